using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Wire;

/// <summary>
/// What a client is told when a field has the wrong JSON kind. System.Text.Json's own messages name .NET types
/// ("could not be converted to System.Collections.Generic.List`1[...ChatMessage]", "out of bounds for an Int64"),
/// which say nothing to an app written in any other language: say which JSON kind the field needs instead.
/// </summary>
internal static class WireErrors
{
    public static string Describe(string reason)
    {
        if (reason.StartsWith("must be ", StringComparison.Ordinal))
        {
            return reason.TrimEnd('.');   // already ours (a converter's message)
        }

        const string Converted = "could not be converted to ";
        var at = reason.IndexOf(Converted, StringComparison.Ordinal);
        if (at >= 0)
        {
            var type = reason[(at + Converted.Length)..];
            return type switch
            {
                _ when type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) => "must be an array",
                _ when type.StartsWith("System.String", StringComparison.Ordinal) => "must be a string",
                _ when type.Contains("System.Boolean", StringComparison.Ordinal) => "must be true or false",
                _ when type.Contains("System.Int", StringComparison.Ordinal) => "must be an integer",
                _ when type.Contains("System.Double", StringComparison.Ordinal) || type.Contains("System.Single", StringComparison.Ordinal) || type.Contains("System.Decimal", StringComparison.Ordinal) => "must be a number",
                _ when type.StartsWith("System.Text.Json", StringComparison.Ordinal) => "has the wrong type",
                _ => "must be an object",
            };
        }

        if (reason.Contains("as a string", StringComparison.Ordinal))
        {
            return "must be a string";
        }

        if (reason.Contains("Int64", StringComparison.Ordinal) || reason.Contains("Int32", StringComparison.Ordinal))
        {
            return "must be an integer";
        }

        if (reason.Contains("as a number", StringComparison.Ordinal) || reason.Contains("Double", StringComparison.Ordinal))
        {
            return "must be a number";
        }

        if (reason.Contains("as a boolean", StringComparison.Ordinal))
        {
            return "must be true or false";
        }

        var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        return "has the wrong type: " + (cut > 0 ? reason[..cut] : reason).TrimEnd('.', ' ');
    }

    public static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        _ => "an object",
    };

    /// <summary>"$.text" → ".text": a nested read's path, relative to the item it read.</summary>
    public static string Relative(string? path) => string.IsNullOrEmpty(path) || path == "$" ? string.Empty : path.StartsWith('$') ? path[1..] : "." + path;
}
