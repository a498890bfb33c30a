using System.Text.Json.Serialization.Metadata;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>Reads and writes <see cref="ResponsesInput"/>: a JSON string or an array of items.</summary>
internal sealed class ResponsesInputConverter : TextOrListConverter<ResponsesInput, ResponsesItem>
{
    protected override string ItemName => "input item";

    protected override JsonTypeInfo<ResponsesItem> ItemInfo => GatewayJson.Default.ResponsesItem;

    protected override ResponsesInput FromText(string? text) => new() { Text = text };

    protected override ResponsesInput FromList(List<ResponsesItem> items) => new() { Items = items };

    protected override List<ResponsesItem>? ListOf(ResponsesInput value) => value.Items;

    protected override string? TextOf(ResponsesInput value) => value.Text;
}
