using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>Source-generated (reflection-free) serializers for every wire type the gateway reads or writes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 64)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(ResponsesRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ContentPart))]
[JsonSerializable(typeof(ResponsesItem))]
[JsonSerializable(typeof(ResponsesResponse))]
[JsonSerializable(typeof(ResponsesEvent))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(TokenUsage))]
[JsonSerializable(typeof(JsonElement[]), TypeInfoPropertyName = "JsonElementArray")]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(double))]
internal sealed partial class GatewayJson : JsonSerializerContext;
