namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The answer text that reached the client, gathered for the audit record and kept only up to
/// gateway.limits.max_audit_content_chars: a long stream is not held whole just for its record.
/// </summary>
internal sealed class ReleasedText(int maxChars)
{
    private readonly System.Text.StringBuilder _kept = new();
    private long _total;

    public void Append(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        _total += text.Length;
        var room = maxChars - _kept.Length;
        if (room > 0)
        {
            var take = Math.Min(room, text.Length);
            take -= take < text.Length && char.IsHighSurrogate(text[take - 1]) ? 1 : 0;   // never keep half a pair
            _kept.Append(text.AsSpan(0, take));
        }
    }

    public override string ToString() => _total > _kept.Length ? Input.AuditText.Marked(_kept.ToString(), _total) : _kept.ToString();
}
