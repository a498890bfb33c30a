using System.Text.Json.Serialization;
using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// Source-generated JSON for the files the engine keeps (instance records, the key store), so a Native AOT kt, where
/// reflection-based serialization is off, reads and writes them as the JIT build does: default names, indented.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(GatewayInstance))]
[JsonSerializable(typeof(VirtualKeyStoreDocument))]
internal sealed partial class EngineFileJson : JsonSerializerContext;
