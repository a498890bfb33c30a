using System.Buffers.Binary;
using System.Numerics;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Static word embeddings (model2vec-style): one int8 vector per word, distilled at training time from a
/// sentence-transformer (tools/KeepTrusts.Train, <c>StaticEmbeddingDistiller</c>) and shipped as an engine resource.
/// A word is keyed by the hash <see cref="InjectionFeaturizer"/> already computes for it, so looking a word up costs no
/// tokenizer pass: the featurizer's one read of the text yields both the n-grams and the words. A window's vector is
/// the sum of its words' vectors, L2-normalized (mean pooling: the direction of the sum), so phrasings that mean the
/// same land near each other. Words without a vector add nothing. Immutable and thread-safe.
/// File: "KTWE", version, rows, dimension; then rows uint32 word hashes, rows float32 scales, rows × dimension int8
/// values (value × scale).
/// </summary>
public sealed class StaticWordEmbeddings
{
    private const int Version = 1;
    private const int HeaderBytes = 4 + 3 * 4;
    private const string Resource = "KeepTrusts.Engine.Policies.PromptInjection.injection-embeddings.bin";
    private static readonly byte[] Magic = "KTWE"u8.ToArray();
    private static readonly Lazy<StaticWordEmbeddings> BuiltinTable = new(LoadBuiltin, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly uint[] hashes;
    private readonly float[] scales;
    private readonly sbyte[] values;

    // Open addressing over the hashes: slot → row + 1 (0 is empty); capacity a power of two at least twice the rows.
    private readonly int[] slots;
    private readonly int mask;

    internal StaticWordEmbeddings(uint[] hashes, float[] scales, sbyte[] values, int dimension)
    {
        if (scales.Length != hashes.Length || values.Length != hashes.Length * dimension)
        {
            throw new ArgumentException($"expected {hashes.Length} scales and {hashes.Length} × {dimension} values", nameof(values));
        }

        this.hashes = hashes;
        this.scales = scales;
        this.values = values;
        Dimension = dimension;
        slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, hashes.Length * 2))];
        mask = slots.Length - 1;
        for (var row = 0; row < hashes.Length; row++)
        {
            var slot = Mix(hashes[row]) & mask;
            while (slots[slot] != 0)
            {
                if (hashes[slots[slot] - 1] == hashes[row])
                {
                    throw new ArgumentException($"word hash {hashes[row]:x8} appears twice", nameof(hashes));
                }

                slot = (slot + 1) & mask;
            }

            slots[slot] = row + 1;
        }
    }

    /// <summary>The table shipped in the engine (read on first use).</summary>
    public static StaticWordEmbeddings Builtin => BuiltinTable.Value;

    public int Dimension { get; }

    public int Rows => hashes.Length;

    /// <summary>Adds the vector of the word with this hash to <paramref name="sum"/>; false when the word has none.</summary>
    public bool Add(uint hash, Span<float> sum)
    {
        var slot = Mix(hash) & mask;
        int entry;
        while ((entry = slots[slot]) != 0)
        {
            if (hashes[entry - 1] == hash)
            {
                var row = entry - 1;
                var scale = scales[row];
                var source = values.AsSpan(row * Dimension, Dimension);
                for (var k = 0; k < source.Length; k++)
                {
                    sum[k] += source[k] * scale;
                }

                return true;
            }

            slot = (slot + 1) & mask;
        }

        return false;
    }

    /// <summary>The dot product of <paramref name="weights"/> with the L2-normalized <paramref name="sum"/> (0 when the sum is zero).</summary>
    public static double NormalizedDot(ReadOnlySpan<float> sum, ReadOnlySpan<float> weights)
    {
        double squares = 0, dot = 0;
        for (var k = 0; k < sum.Length; k++)
        {
            squares += sum[k] * sum[k];
            dot += sum[k] * weights[k];
        }

        return squares == 0 ? 0 : dot / Math.Sqrt(squares);
    }

    public static StaticWordEmbeddings Read(Stream stream, string name)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        stream.ReadExactly(header);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not a KeepTrusts word embedding table (no KTWE header)");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (version != Version || rows is < 1 or > 1 << 20 || dimension is < 1 or > 1024)
        {
            throw new InvalidDataException($"{name}: unsupported table (version {version}, rows {rows}, dimension {dimension}); rebuild it with tools/KeepTrusts.Train");
        }

        var head = new byte[rows * 8];
        var values = new sbyte[rows * dimension];
        try
        {
            stream.ReadExactly(head);
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{name}: truncated: expected {rows} rows of {dimension}");
        }

        var hashes = new uint[rows];
        var scales = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            hashes[i] = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(i * 4));
            scales[i] = BinaryPrimitives.ReadSingleLittleEndian(head.AsSpan(rows * 4 + i * 4));
        }

        return new StaticWordEmbeddings(hashes, scales, values, dimension);
    }

    public static void Write(Stream stream, uint[] hashes, float[] scales, sbyte[] values, int dimension)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], hashes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], dimension);
        stream.Write(header);
        Span<byte> value = stackalloc byte[4];
        foreach (var hash in hashes)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(value, hash);
            stream.Write(value);
        }

        foreach (var scale in scales)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, scale);
            stream.Write(value);
        }

        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>FNV's high bits are weak: murmur3's finalizer before masking.</summary>
    private static int Mix(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return (int)hash;
    }

    private static StaticWordEmbeddings LoadBuiltin()
    {
        using var stream = typeof(StaticWordEmbeddings).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the engine was built without its word embeddings ({Resource})");
        return Read(stream, Resource);
    }
}
