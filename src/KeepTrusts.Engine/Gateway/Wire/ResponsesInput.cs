using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>Responses input: one text, or a list of items (messages, function calls, function call outputs).</summary>
[JsonConverter(typeof(ResponsesInputConverter))]
internal sealed class ResponsesInput
{
    public string? Text { get; set; }

    public List<ResponsesItem>? Items { get; set; }
}
