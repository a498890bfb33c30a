using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace KeepTrusts.Train;

/// <summary>
/// A sentence-transformer run through ONNX Runtime (round 9 experiment): WordPiece ids of the text's first
/// <see cref="MaxTokens"/> tokens ([CLS] … [SEP]; the rest of a long text is not read), the transformer's last hidden
/// state mean-pooled over the real tokens (or the [CLS] vector) and L2-normalized, as sentence-transformers' all-MiniLM-L6-v2 does.
/// Texts are run in batches of similar length (padding masked out of the mean), single-threaded per run.
/// </summary>
internal sealed class SentenceEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly string _output;

    private readonly bool _clsPooling;

    /// <param name="clsPooling">The [CLS] token's vector instead of the mean (snowflake-arctic-embed is trained so).</param>
    public SentenceEncoder(string modelPath, string vocabPath, int maxTokens, int threads, bool clsPooling = false)
    {
        MaxTokens = maxTokens;
        _clsPooling = clsPooling;
        _tokenizer = BertTokenizer.Create(vocabPath);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(modelPath, options);
        // The token-level output: [batch, tokens, dims] (a pooled [batch, dims] output, when there is one, is not used).
        _output = _session.OutputMetadata.First(o => o.Value.Dimensions.Length == 3).Key;
        Dimensions = _session.OutputMetadata[_output].Dimensions[2];
    }

    public int MaxTokens { get; }

    public int Dimensions { get; }

    public int[] Tokenize(string text)
    {
        var body = _tokenizer.EncodeToIds(text, MaxTokens - 2, addSpecialTokens: false, out _, out _);
        return [_tokenizer.ClassificationTokenId, .. body, _tokenizer.SeparatorTokenId];
    }

    /// <summary>Embeddings of <paramref name="texts"/>, one row of <see cref="Dimensions"/> each, in their order.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, int batchSize, Action<int>? progress = null)
    {
        var ids = texts.Select(Tokenize).ToArray();
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i].Length).ThenBy(i => i).ToArray();
        var result = new float[ids.Length][];
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var batch = order.Skip(start).Take(batchSize).ToArray();
            var rows = Run(batch.Select(i => ids[i]).ToArray());
            for (var b = 0; b < batch.Length; b++)
            {
                result[batch[b]] = rows[b];
            }

            progress?.Invoke(Math.Min(start + batchSize, order.Length));
        }

        return result;
    }

    private float[][] Run(int[][] batch)
    {
        var length = batch.Max(b => b.Length);
        var inputIds = new long[batch.Length * length];
        var mask = new long[batch.Length * length];
        for (var b = 0; b < batch.Length; b++)
        {
            for (var t = 0; t < batch[b].Length; t++)
            {
                inputIds[b * length + t] = batch[b][t];
                mask[b * length + t] = 1;
            }
        }

        long[] shape = [batch.Length, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[inputIds.Length], shape);
        var feeds = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        foreach (var name in _session.InputMetadata.Keys)
        {
            feeds[name] = name switch
            {
                "input_ids" => idsValue,
                "attention_mask" => maskValue,
                _ => typesValue,
            };
        }

        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, feeds, [_output]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var rows = new float[batch.Length][];
        for (var b = 0; b < batch.Length; b++)
        {
            var row = new float[Dimensions];
            var pooled = _clsPooling ? 1 : batch[b].Length;
            for (var t = 0; t < pooled; t++)
            {
                var offset = (b * length + t) * Dimensions;
                for (var d = 0; d < Dimensions; d++)
                {
                    row[d] += hidden[offset + d];
                }
            }

            var norm = 0.0;
            for (var d = 0; d < Dimensions; d++)
            {
                row[d] /= pooled;
                norm += row[d] * row[d];
            }

            var scale = (float)(1 / Math.Max(Math.Sqrt(norm), 1e-12));
            for (var d = 0; d < Dimensions; d++)
            {
                row[d] *= scale;
            }

            rows[b] = row;
        }

        return rows;
    }

    public void Dispose() => _session.Dispose();
}
