namespace KeepTrusts.Engine;

/// <summary>How a library's exception message is quoted in our own errors.</summary>
internal static class ExceptionText
{
    /// <summary>The message's first line: library messages often go on with stack-like detail a user does not need.</summary>
    public static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
