using Microsoft.ML.Tokenizers;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>
/// The classifier's tokenizer, picked by file name: a Hugging Face <c>tokenizer.json</c> with a Unigram model
/// (DeBERTa-v3, mDeBERTa, Prompt Guard 2, XLM-R), a SentencePiece <c>.model</c> (BPE or Unigram), or a WordPiece
/// <c>vocab.txt</c> (BERT, DistilBERT; lower-cased). The body is encoded without special tokens so that long text can
/// be cut into windows, each wrapped in the model's own prefix and suffix ([CLS] … [SEP]).
/// </summary>
internal sealed class InjectionModelTokenizer
{
    private readonly Func<string, int, IReadOnlyList<int>> _encodeBody;

    private InjectionModelTokenizer(int[] prefix, int[] suffix, Func<string, int, IReadOnlyList<int>> encodeBody)
    {
        Prefix = prefix;
        Suffix = suffix;
        _encodeBody = encodeBody;
    }

    public int[] Prefix { get; }

    public int[] Suffix { get; }

    /// <summary>Supported file kinds, for error messages and docs.</summary>
    public const string SupportedFormats = "a Hugging Face tokenizer.json with a Unigram model, a SentencePiece .model file, or a WordPiece vocab.txt";

    /// <summary>Token ids of <paramref name="text"/> without special tokens, at most <paramref name="maxTokens"/> (the rest of the text is not read).</summary>
    public IReadOnlyList<int> EncodeBody(string text, int maxTokens) => _encodeBody(text, maxTokens);

    public static InjectionModelTokenizer Load(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = File.OpenRead(path);
            var tokenizer = SentencePieceTokenizer.CreateFromTokenizerJson(stream, addBeginningOfSentence: true, addEndOfSentence: true);
            return FromSentencePiece(tokenizer);
        }

        if (path.EndsWith(".model", StringComparison.OrdinalIgnoreCase))
        {
            using var stream = File.OpenRead(path);
            var tokenizer = SentencePieceTokenizer.Create(stream, true, true);
            return FromSentencePiece(tokenizer);
        }

        if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            var bert = BertTokenizer.Create(path);
            return new InjectionModelTokenizer([bert.ClassificationTokenId], [bert.SeparatorTokenId],
                (text, max) => bert.EncodeToIds(text, max, addSpecialTokens: false, out _, out _));
        }

        throw new NotSupportedException($"'{name}' is not a tokenizer file this layer reads; it reads {SupportedFormats}");
    }

    private static InjectionModelTokenizer FromSentencePiece(SentencePieceTokenizer tokenizer)
    {
        // The wrapping the model was trained with ([CLS] … [SEP] for DeBERTa) comes from the file itself: a probe text
        // encoded with and without it (an empty text yields no tokens at all, so it cannot be the probe).
        const string probe = "a";
        var wrapped = tokenizer.EncodeToIds(probe, addBeginningOfSentence: true, addEndOfSentence: true);
        var bare = tokenizer.EncodeToIds(probe, addBeginningOfSentence: false, addEndOfSentence: false);
        var at = IndexOf(wrapped, bare);
        if (at < 0)
        {
            throw new NotSupportedException("the tokenizer's special tokens could not be told apart from the text");
        }

        var prefix = wrapped.Take(at).ToArray();
        var suffix = wrapped.Skip(at + bare.Count).ToArray();
        return new InjectionModelTokenizer(prefix, suffix,
            (text, max) => tokenizer.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false, max, out _, out _));
    }

    private static int IndexOf(IReadOnlyList<int> haystack, IReadOnlyList<int> needle)
    {
        for (var start = 0; start + needle.Count <= haystack.Count; start++)
        {
            var match = true;
            for (var i = 0; i < needle.Count && match; i++)
            {
                match = haystack[start + i] == needle[i];
            }

            if (match)
            {
                return start;
            }
        }

        return -1;
    }
}
