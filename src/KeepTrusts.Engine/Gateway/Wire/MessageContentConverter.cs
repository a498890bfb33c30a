using System.Text.Json.Serialization.Metadata;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>Reads and writes <see cref="MessageContent"/>: a JSON string or an array of content parts.</summary>
internal sealed class MessageContentConverter : TextOrListConverter<MessageContent, ContentPart>
{
    protected override string ItemName => "content part";

    protected override JsonTypeInfo<ContentPart> ItemInfo => GatewayJson.Default.ContentPart;

    protected override MessageContent FromText(string? text) => new() { Text = text };

    protected override MessageContent FromList(List<ContentPart> items) => new() { Parts = items };

    protected override List<ContentPart>? ListOf(MessageContent value) => value.Parts;

    protected override string? TextOf(MessageContent value) => value.Text;
}
