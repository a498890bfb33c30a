namespace KeepTrusts.Engine.Policies;

public enum TextSegmentKind
{
    /// <summary>Message content (plain or one text part).</summary>
    Content,

    /// <summary>Tool or function call arguments (JSON text).</summary>
    ToolArguments,

    /// <summary>A tool's result fed back to the model: where indirect injection hides.</summary>
    ToolResult,
}
