using System.Text;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Tests.Policies.Layers;

/// <summary>
/// The generator of the tiny classifier the model-layer tests run (committed under TinyModel/ and checked to be
/// byte-for-byte what this generator writes). Graph, opset 13:
/// logits[b, 2] = ReduceMax over tokens of (Gather(embedding, input_ids) × attention_mask): every ordinary token's
/// row is [1, 0], a trigger token's row is [0, 6], so a text with a trigger has injection probability
/// softmax([1, 6])[1] ≈ 0.99 and a text without one softmax([1, 0])[1] ≈ 0.27.
/// The same vocabulary is written as a Hugging Face Unigram tokenizer.json and a WordPiece vocab.txt, ids aligned.
/// </summary>
internal static class TinyInjectionModel
{
    public const string TriggerWord = "zqxj";

    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Policies", "Layers", "TinyModel");

    public static string ModelPath => Path.Combine(Directory, "tiny-injection.onnx");

    public static string TokenizerJsonPath => Path.Combine(Directory, "tokenizer.json");

    public static string VocabTxtPath => Path.Combine(Directory, "vocab.txt");

    private static readonly string[] Special = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"];

    private static readonly string[] Words =
    [
        "what", "is", "the", "weather", "in", "paris", "please", "summarize", "this", "email", "hello", "world", "and", "now", "a", "of", TriggerWord,
    ];

    /// <summary>Letters let the Unigram tokenizer spell any lower-case word it does not know.</summary>
    private static readonly string[] Letters = "abcdefghijklmnopqrstuvwxyz".Select(c => c.ToString()).ToArray();

    public static int VocabularySize => Special.Length + Words.Length + 1 + Letters.Length;

    public static int TriggerId => Special.Length + Array.IndexOf(Words, TriggerWord);

    public static byte[] Onnx(int labels = 2)
    {
        var rows = new float[VocabularySize * labels];
        for (var id = 0; id < VocabularySize; id++)
        {
            rows[id * labels] = id == TriggerId ? 0f : 1f;
            rows[id * labels + 1] = id == TriggerId ? 6f : 0f;
        }

        var graph = OnnxWriter.Graph("tiny_injection",
            nodes:
            [
                OnnxWriter.Node("Gather", ["embedding", "input_ids"], ["embedded"]),
                OnnxWriter.Node("Cast", ["attention_mask"], ["mask_float"], OnnxWriter.IntAttribute("to", OnnxWriter.Float)),
                OnnxWriter.Node("Unsqueeze", ["mask_float", "last_axis"], ["mask_column"]),
                OnnxWriter.Node("Mul", ["embedded", "mask_column"], ["masked"]),
                OnnxWriter.Node("ReduceMax", ["masked"], ["logits"], OnnxWriter.IntsAttribute("axes", 1), OnnxWriter.IntAttribute("keepdims", 0)),
            ],
            initializers:
            [
                OnnxWriter.FloatTensor("embedding", [VocabularySize, labels], rows),
                OnnxWriter.Int64Tensor("last_axis", [1], [2]),
            ],
            inputs:
            [
                OnnxWriter.TensorValue("input_ids", OnnxWriter.Int64, "batch", "sequence"),
                OnnxWriter.TensorValue("attention_mask", OnnxWriter.Int64, "batch", "sequence"),
            ],
            outputs: [OnnxWriter.TensorValue("logits", OnnxWriter.Float, "batch", (long)labels)]);
        return OnnxWriter.Model(irVersion: 8, opset: 13, graph);
    }

    public static string TokenizerJson()
    {
        var vocab = new JsonArray();
        foreach (var token in Special)
        {
            vocab.Add(new JsonArray(token, 0.0));
        }

        foreach (var word in Words)
        {
            vocab.Add(new JsonArray("\u2581" + word, -1.0));
        }

        vocab.Add(new JsonArray("\u2581", -3.0));
        foreach (var letter in Letters)
        {
            vocab.Add(new JsonArray(letter, -5.0));
        }

        var added = new JsonArray();
        for (var i = 0; i < Special.Length; i++)
        {
            added.Add(new JsonObject
            {
                ["id"] = i, ["content"] = Special[i], ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }

        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject { ["type"] = "Lowercase" },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "\u2581", ["prepend_scheme"] = "always", ["split"] = true },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[CLS]", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[SEP]", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(),
                ["special_tokens"] = new JsonObject
                {
                    ["[CLS]"] = new JsonObject { ["id"] = "[CLS]", ["ids"] = new JsonArray(1), ["tokens"] = new JsonArray("[CLS]") },
                    ["[SEP]"] = new JsonObject { ["id"] = "[SEP]", ["ids"] = new JsonArray(2), ["tokens"] = new JsonArray("[SEP]") },
                },
            },
            ["model"] = new JsonObject { ["type"] = "Unigram", ["unk_id"] = 3, ["vocab"] = vocab, ["byte_fallback"] = false },
        };
        return tokenizer.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>The same ids as WordPiece: one token per line, line number = id.</summary>
    public static string VocabTxt()
    {
        var lines = new List<string>(Special);
        lines.AddRange(Words);
        lines.Add("[unused0]");
        lines.AddRange(Letters.Select(l => "##" + l));
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>Rewrites the committed files (run from a test when the generator changes).</summary>
    public static void WriteTo(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "tiny-injection.onnx"), Onnx());
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), TokenizerJson(), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(directory, "vocab.txt"), VocabTxt(), new UTF8Encoding(false));
    }
}
