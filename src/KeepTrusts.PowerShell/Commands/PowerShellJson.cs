using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Turns what users pass to -Tools, -JsonSchema and -ToolOutput (hashtables, PSCustomObjects, arrays, JSON text) into JSON.</summary>
internal static class PowerShellJson
{
    /// <summary>JSON for <paramref name="value"/>; a string that already holds a JSON object or array is taken as it is.</summary>
    public static string ToJson(object? value)
    {
        if (Unwrap(value) is string text && text.TrimStart() is ['{' or '[', ..])
        {
            try
            {
                return JsonNode.Parse(text)!.ToJsonString();
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"The text is not valid JSON: {ex.Message}", ex);
            }
        }

        return ToNode(value, 0)?.ToJsonString() ?? "null";
    }

    private static object? Unwrap(object? value) => value is PSObject { BaseObject: not PSCustomObject } ps ? ps.BaseObject : value;

    private static JsonNode? ToNode(object? value, int depth)
    {
        if (depth > 64)
        {
            throw new ArgumentException("The value is nested more than 64 levels deep.");
        }

        switch (Unwrap(value))
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case char c:
                return JsonValue.Create(c.ToString());
            case Enum e:
                return JsonValue.Create(e.ToString());
            case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                return JsonNode.Parse(Convert.ToString(Unwrap(value), CultureInfo.InvariantCulture)!);
            case IDictionary dictionary:
                var obj = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    obj[entry.Key.ToString()!] = ToNode(entry.Value, depth + 1);
                }

                return obj;
            case PSObject custom:
                var fromProperties = new JsonObject();
                foreach (var property in custom.Properties)
                {
                    fromProperties[property.Name] = ToNode(property.Value, depth + 1);
                }

                return fromProperties;
            case IEnumerable items:
                return new JsonArray(items.Cast<object?>().Select(i => ToNode(i, depth + 1)).ToArray());
            case var other:
                return JsonValue.Create(other.ToString());
        }
    }
}
