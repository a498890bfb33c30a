using System.Text.Json;

namespace KeepTrusts.Engine.Azure;

/// <summary>Null-tolerant navigation of ARM JSON: a missing property anywhere on the path yields null.</summary>
internal static class ArmJson
{
    public static JsonElement? Node(this JsonElement? element, params string[] path)
    {
        if (element is not { } current)
        {
            return null;
        }

        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !TryGetIgnoreCase(current, name, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    public static string? Str(this JsonElement? element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static bool? Bool(this JsonElement? element, params string[] path) =>
        element.Node(path) is { } value && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    public static int? Int(this JsonElement? element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) ? number : null;

    public static JsonElement? Obj(this JsonElement? element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static IReadOnlyList<JsonElement> Arr(this JsonElement? element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray().ToList() : [];

    private static bool TryGetIgnoreCase(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
