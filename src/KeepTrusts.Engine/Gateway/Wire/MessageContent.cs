using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>A message's content: plain text or a list of parts (text parts are read and edited; other parts pass through).</summary>
[JsonConverter(typeof(MessageContentConverter))]
internal sealed class MessageContent
{
    public string? Text { get; set; }

    public List<ContentPart>? Parts { get; set; }
}
