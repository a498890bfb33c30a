namespace KeepTrusts.Engine.Keys;

/// <summary>The answer of <see cref="KeyPolicy"/>: allowed, or why not in a message the client can act on.</summary>
public sealed record KeyPolicyDecision(bool Allowed, KeyPolicyReason Reason, string Message)
{
    public static KeyPolicyDecision Allow { get; } = new(true, KeyPolicyReason.None, string.Empty);

    public static KeyPolicyDecision Deny(KeyPolicyReason reason, string message) => new(false, reason, message);

    /// <summary>The HTTP status a gateway answers with: 401 for a dead key, 403 for a forbidden use, 429 for a spent budget.</summary>
    public int StatusCode => Reason switch
    {
        KeyPolicyReason.None => 200,
        KeyPolicyReason.Disabled or KeyPolicyReason.Expired => 401,
        KeyPolicyReason.ModelNotAllowed or KeyPolicyReason.RouteNotAllowed => 403,
        _ => 429,
    };
}
