using System.Security.Cryptography;
using System.Text;

namespace KeepTrusts.Train;

/// <summary>
/// Sentence embeddings of the training texts, computed once and kept in a file named by the hash of the model file,
/// the vocabulary, the token limit and the texts (round 9: the embedding pass is the slow part; the folds reuse it).
/// The cache lives outside the repository (default the system temp directory) and is never committed.
/// </summary>
internal static class EmbeddingCache
{
    public static float[][] Load(IReadOnlyList<string> texts, string modelPath, string vocabPath, int maxTokens, string directory, int threads, bool clsPooling)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var model = File.OpenRead(modelPath))
        {
            hash.AppendData(SHA256.HashData(model));
        }

        hash.AppendData(File.ReadAllBytes(vocabPath));
        hash.AppendData(BitConverter.GetBytes(maxTokens));
        if (clsPooling)
        {
            // Mean pooling adds nothing, so the key of a mean-pooled cache stays what it was before pooling was an option.
            hash.AppendData("cls"u8);
        }
        foreach (var text in texts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
        }

        var key = Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
        var path = Path.Combine(directory, $"kt-embeddings-{key}.bin");
        if (File.Exists(path))
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var count = reader.ReadInt32();
            var dims = reader.ReadInt32();
            var rows = new float[count][];
            for (var i = 0; i < count; i++)
            {
                rows[i] = new float[dims];
                for (var d = 0; d < dims; d++)
                {
                    rows[i][d] = reader.ReadSingle();
                }
            }

            Console.WriteLine($"embeddings: {count} × {dims} read from {path}");
            return rows;
        }

        using var encoder = new SentenceEncoder(modelPath, vocabPath, maxTokens, threads, clsPooling);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var next = 1000;
        var embedded = encoder.Encode(texts, 16, done =>
        {
            if (done >= next || done == texts.Count)
            {
                Console.WriteLine($"  embedded {done}/{texts.Count} ({clock.Elapsed.TotalSeconds:0}s)");
                next += 1000;
            }
        });
        Directory.CreateDirectory(directory);
        using (var writer = new BinaryWriter(File.Create(path + ".tmp")))
        {
            writer.Write(embedded.Length);
            writer.Write(encoder.Dimensions);
            foreach (var row in embedded)
            {
                foreach (var value in row)
                {
                    writer.Write(value);
                }
            }
        }

        File.Move(path + ".tmp", path, overwrite: true);
        Console.WriteLine($"embeddings: {embedded.Length} × {encoder.Dimensions} in {clock.Elapsed.TotalSeconds:0}s, cached in {path}");
        return embedded;
    }
}
