using System.Buffers.Binary;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// The model file: "KTPI", format version, bits, window, stride, bias, calibration scale and offset, then 2^bits
/// little-endian float32 weights. Version 3: each feature counts once per block of stride characters (version 2 counted repeats).
/// The built-in model is this file embedded in the engine (injection-model.bin), read
/// once on first use; tools/KeepTrusts.Train writes it.
/// </summary>
public static class InjectionModelFile
{
    private const int Version = 3;
    private const int HeaderBytes = 4 + 4 * 4 + 3 * 4;
    private const string ResourceName = "KeepTrusts.Engine.Policies.PromptInjection.injection-model.bin";
    private static readonly byte[] Magic = "KTPI"u8.ToArray();
    private static readonly Lazy<InjectionModel> BuiltinModel = new(LoadBuiltin, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The model shipped in the engine.</summary>
    public static InjectionModel Builtin => BuiltinModel.Value;

    public static InjectionModel Read(Stream stream, string name)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        stream.ReadExactly(header);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{name}: not a KeepTrusts injection model (no KTPI header)");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var bits = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var window = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var stride = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (version != Version || bits is < 8 or > 24 || window < 16 || stride < 1 || stride > window || (stride & (stride - 1)) != 0 || window % stride != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{name}: unsupported model (version {version}, bits {bits}, window {window}, stride {stride}); rebuild it with tools/KeepTrusts.Train"));
        }

        var bias = BinaryPrimitives.ReadSingleLittleEndian(header[20..]);
        var scale = BinaryPrimitives.ReadSingleLittleEndian(header[24..]);
        var offset = BinaryPrimitives.ReadSingleLittleEndian(header[28..]);
        var weights = new float[1 << bits];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan());
        try
        {
            stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{name}: truncated: expected {weights.Length} weights"));
        }

        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(weights[i])));
            }
        }

        return new InjectionModel(bits, window, stride, bias, scale, offset, weights);
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
        stream.Write(header);
        Span<byte> value = stackalloc byte[4];
        foreach (var weight in model.Weights)
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
