using System.Buffers.Binary;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// The model file: "KTPI", format version, bits, window, stride, bias, calibration scale and offset, the number of
/// embedding weights (0: n-gram features only), then 2^bits little-endian float32 weights and the embedding weights,
/// which read the engine's <see cref="StaticWordEmbeddings"/> table. The built-in model is this file embedded in the engine (injection-model.bin), read
/// once on first use; tools/KeepTrusts.Train writes it.
/// </summary>
public static class InjectionModelFile
{
    private const int Version = 3;
    private const int HeaderBytes = 4 + 4 * 4 + 3 * 4 + 4;
    private const int Version2HeaderBytes = HeaderBytes - 4;
    private const string ResourceName = "KeepTrusts.Engine.Policies.PromptInjection.injection-model.bin";
    private static readonly byte[] Magic = "KTPI"u8.ToArray();
    private static readonly Lazy<InjectionModel> BuiltinModel = new(LoadBuiltin, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The model shipped in the engine.</summary>
    public static InjectionModel Builtin => BuiltinModel.Value;

    /// <param name="embeddings">The word table the model's embedding weights read; null: the engine's own.</param>
    public static InjectionModel Read(Stream stream, string name, StaticWordEmbeddings? embeddings = null)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        stream.ReadExactly(header[..Version2HeaderBytes]);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not a KeepTrusts injection model (no KTPI header)");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var bits = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var window = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var stride = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (version == Version)
        {
            stream.ReadExactly(header[Version2HeaderBytes..]);
        }

        // Version 2 (n-gram weights only) is version 3 with no embedding weights.
        if (version is not (Version or 2) || bits is < 8 or > 24 || window < 16 || stride < 1 || stride > window || (stride & (stride - 1)) != 0 || window % stride != 0)
        {
            throw new InvalidDataException($"{name}: unsupported model (version {version}, bits {bits}, window {window}, stride {stride}); rebuild it with tools/KeepTrusts.Train");
        }

        var bias = BinaryPrimitives.ReadSingleLittleEndian(header[20..]);
        var scale = BinaryPrimitives.ReadSingleLittleEndian(header[24..]);
        var offset = BinaryPrimitives.ReadSingleLittleEndian(header[28..]);
        var dense = version == Version ? BinaryPrimitives.ReadInt32LittleEndian(header[32..]) : 0;
        if (dense is < 0 or > 1024)
        {
            throw new InvalidDataException($"{name}: unsupported model ({dense} embedding weights); rebuild it with tools/KeepTrusts.Train");
        }

        var weights = new float[1 << bits];
        var denseWeights = new float[dense];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan());
        try
        {
            stream.ReadExactly(bytes);
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(denseWeights.AsSpan()));
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{name}: truncated: expected {weights.Length} weights and {dense} embedding weights");
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(weights[i])));
            }

            for (var i = 0; i < denseWeights.Length; i++)
            {
                denseWeights[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(denseWeights[i])));
            }
        }

        return new InjectionModel(bits, window, stride, bias, scale, offset, weights, denseWeights, dense > 0 ? embeddings ?? StaticWordEmbeddings.Builtin : null);
    }

    public static void Write(Stream stream, InjectionModel model)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], model.Bits);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], model.Window);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], model.Stride);
        BinaryPrimitives.WriteSingleLittleEndian(header[20..], model.Bias);
        BinaryPrimitives.WriteSingleLittleEndian(header[24..], model.Scale);
        BinaryPrimitives.WriteSingleLittleEndian(header[28..], model.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], model.DenseWeights.Length);
        stream.Write(header);
        Span<byte> value = stackalloc byte[4];
        foreach (var weight in model.Weights)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, weight);
            stream.Write(value);
        }

        foreach (var weight in model.DenseWeights)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, weight);
            stream.Write(value);
        }
    }

    private static InjectionModel LoadBuiltin()
    {
        using var stream = typeof(InjectionModelFile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the engine was built without its injection model ({ResourceName})");
        return Read(stream, ResourceName);
    }
}
