namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>Audit content cut to gateway.limits.max_audit_content_chars, with a marker that gives the full length.</summary>
public static class AuditText
{
    private const string MarkerStart = "…[truncated: ";
    private const string MarkerEnd = " chars in all]";

    public static string? Truncate(string? text, int max)
    {
        if (text is null || text.Length <= max || AlreadyMarked(text, max))
        {
            return text;
        }

        var cut = max;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;   // never split a surrogate pair: the record must stay valid UTF-16
        }

        return Marked(text[..cut], text.Length);
    }

    /// <summary>Text already cut where it was gathered (a stream's released text), with the length it had in all.</summary>
    public static string Marked(string kept, long total) => string.Concat(kept, MarkerStart, total.ToString(System.Globalization.CultureInfo.InvariantCulture), MarkerEnd);

    private static bool AlreadyMarked(string text, int max) =>
        text.EndsWith(MarkerEnd, StringComparison.Ordinal) && text.LastIndexOf(MarkerStart, StringComparison.Ordinal) is var at and >= 0 && at <= max;
}
