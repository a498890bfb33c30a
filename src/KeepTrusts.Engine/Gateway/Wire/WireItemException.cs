using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>
/// An item of a "string or array" field (content parts, Responses input items) that does not read, with where inside
/// the field it failed (<c>[1]</c>, <c>[0].text</c>); the serializer adds the field's own path, so the client is told
/// <c>messages[0].content[1].text</c>, not just <c>text</c>.
/// </summary>
internal sealed class WireItemException(string where, string detail) : JsonException(detail)
{
    public string Where { get; } = where;

    public string Detail { get; } = detail;
}
