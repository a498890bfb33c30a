namespace KeepTrusts.Engine.Configuration;

/// <summary>What a policy does when it matches.</summary>
public enum PolicyActionOption
{
    /// <summary>Reject the request (HTTP 400, error.type policy_violation); the upstream is not called.</summary>
    Block,

    /// <summary>Replace matched spans with typed placeholders and continue.</summary>
    Redact,

    /// <summary>Record the decision only.</summary>
    Log,
}
