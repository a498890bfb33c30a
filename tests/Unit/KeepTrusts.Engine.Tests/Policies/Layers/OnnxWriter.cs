using Google.Protobuf;

namespace KeepTrusts.Engine.Tests.Policies.Layers;

/// <summary>
/// Writes the few ONNX protobuf messages a tiny test model needs, by field number from onnx/onnx.proto
/// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto), with
/// Google.Protobuf's wire-format writer. Enough for float/int64 tensors and int/ints attributes; nothing more.
/// </summary>
internal static class OnnxWriter
{
    public const int Float = 1;
    public const int Int64 = 7;

    public static byte[] Model(long irVersion, long opset, byte[] graph) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(irVersion);       // ir_version
        o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString("keeptrusts-tests"); // producer_name
        o.WriteTag(7, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(graph)); // graph
        o.WriteTag(8, WireFormat.WireType.LengthDelimited);                       // opset_import
        o.WriteBytes(ByteString.CopyFrom(Message(s => { s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt64(opset); })));
    });

    public static byte[] Graph(string name, IEnumerable<byte[]> nodes, IEnumerable<byte[]> initializers, IEnumerable<byte[]> inputs, IEnumerable<byte[]> outputs) => Message(o =>
    {
        foreach (var node in nodes) { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(node)); }
        o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString(name);
        foreach (var tensor in initializers) { o.WriteTag(5, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(tensor)); }
        foreach (var input in inputs) { o.WriteTag(11, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(input)); }
        foreach (var output in outputs) { o.WriteTag(12, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(output)); }
    });

    public static byte[] Node(string opType, string[] inputs, string[] outputs, params byte[][] attributes) => Message(o =>
    {
        foreach (var input in inputs) { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(input); }
        foreach (var output in outputs) { o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString(output); }
        o.WriteTag(3, WireFormat.WireType.LengthDelimited); o.WriteString(outputs[0] + "_" + opType);
        o.WriteTag(4, WireFormat.WireType.LengthDelimited); o.WriteString(opType);
        foreach (var attribute in attributes) { o.WriteTag(5, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(attribute)); }
    });

    /// <summary>AttributeProto of type INT (2).</summary>
    public static byte[] IntAttribute(string name, long value) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(name);
        o.WriteTag(3, WireFormat.WireType.Varint); o.WriteInt64(value);
        o.WriteTag(20, WireFormat.WireType.Varint); o.WriteEnum(2);
    });

    /// <summary>AttributeProto of type INTS (7).</summary>
    public static byte[] IntsAttribute(string name, params long[] values) => Message(o =>
    {
        o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(name);
        foreach (var value in values) { o.WriteTag(8, WireFormat.WireType.Varint); o.WriteInt64(value); }
        o.WriteTag(20, WireFormat.WireType.Varint); o.WriteEnum(7);
    });

    public static byte[] FloatTensor(string name, long[] dims, float[] values) => Message(o =>
    {
        foreach (var dim in dims) { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(dim); }
        o.WriteTag(2, WireFormat.WireType.Varint); o.WriteInt32(Float);
        foreach (var value in values) { o.WriteTag(4, WireFormat.WireType.Fixed32); o.WriteFloat(value); }
        o.WriteTag(8, WireFormat.WireType.LengthDelimited); o.WriteString(name);
    });

    public static byte[] Int64Tensor(string name, long[] dims, long[] values) => Message(o =>
    {
        foreach (var dim in dims) { o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt64(dim); }
        o.WriteTag(2, WireFormat.WireType.Varint); o.WriteInt32(Int64);
        foreach (var value in values) { o.WriteTag(7, WireFormat.WireType.Varint); o.WriteInt64(value); }
        o.WriteTag(8, WireFormat.WireType.LengthDelimited); o.WriteString(name);
    });

    /// <summary>ValueInfoProto of a tensor; a dimension is a fixed size (long) or a symbolic name (string).</summary>
    public static byte[] TensorValue(string name, int elementType, params object[] dims)
    {
        var shape = Message(o =>
        {
            foreach (var dim in dims)
            {
                var dimension = Message(d =>
                {
                    if (dim is string symbol) { d.WriteTag(2, WireFormat.WireType.LengthDelimited); d.WriteString(symbol); }
                    else { d.WriteTag(1, WireFormat.WireType.Varint); d.WriteInt64(Convert.ToInt64(dim)); }
                });
                o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(dimension));
            }
        });
        var tensorType = Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Varint); o.WriteInt32(elementType);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(shape));
        });
        var type = Message(o => { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(tensorType)); });
        return Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteString(name);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(type));
        });
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }
}
