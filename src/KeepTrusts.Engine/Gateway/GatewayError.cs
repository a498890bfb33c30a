using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// An answer the gateway makes itself instead of the upstream's: status, OpenAI type and code, a message that says what
/// to fix, and — for a policy block — the decision. <see cref="GatewayErrors"/> renders it in the client's dialect.
/// </summary>
public sealed record GatewayError(int Status, string Type, string Code, string Message, string? Param = null)
{
    /// <summary>The blocking decision when a KeepTrusts policy refused the request or answer.</summary>
    public PolicyDecision? Block { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public static GatewayError Invalid(string code, string message, string? param = null) => new(400, OpenAIError.InvalidRequest, code, message, param);

    public static GatewayError Blocked(PolicyDecision decision, bool response) => new(400, OpenAIError.PolicyViolation, decision.Policy,
        $"{(response ? "Response" : "Request")} blocked by policy '{decision.Policy}': {decision.Reason}.") { Block = decision };

    public static GatewayError Upstream(int status, string code, string message) => new(status, OpenAIError.Upstream, code, message);
}
