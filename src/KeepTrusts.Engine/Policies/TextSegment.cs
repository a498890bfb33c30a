namespace KeepTrusts.Engine.Policies;

/// <summary>
/// One piece of text a policy sees: a message's content, one text part of multi-part content,
/// or a tool call's arguments. Policies that redact replace <see cref="Text"/>; the caller writes it back.
/// </summary>
public sealed class TextSegment(string source, string role, string text, TextSegmentKind kind = TextSegmentKind.Content)
{
    /// <summary>Where the text came from, as a JSON path such as <c>messages[2].content[0].text</c>.</summary>
    public string Source { get; } = source;

    /// <summary>system, user, assistant or tool.</summary>
    public string Role { get; } = role;

    public TextSegmentKind Kind { get; } = kind;

    public string Text { get; set; } = text;

    /// <summary>True once a policy changed the text.</summary>
    public bool Modified { get; set; }
}
