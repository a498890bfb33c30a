namespace KeepTrusts.Engine.Chat;

/// <summary>A chat call that ended in an error answer: status, OpenAI error type and code, and the message.</summary>
public sealed class ChatInvocationException(int status, string type, string code, string message, string? policy = null) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorType { get; } = type;

    public string Code { get; } = code;

    /// <summary>The blocking policy's name when the call was refused by the chain.</summary>
    public string? Policy { get; } = policy;

    public bool IsPolicyBlock => ErrorType == Gateway.OpenAIError.PolicyViolation;
}
