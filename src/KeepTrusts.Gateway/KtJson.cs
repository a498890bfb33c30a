using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Gateway;

/// <summary>
/// Source-generated JSON for what kt writes outside the request path (kt eval --json, the health routes, the quickstart's
/// requests): reflection-based serialization is off in a Native AOT kt. Web defaults, as WriteAsJsonAsync used; kt
/// eval adds its indentation (EvalCommand).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PolicyEvaluation))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class KtJson : JsonSerializerContext;
