namespace KeepTrusts.Engine.Configuration;

/// <summary>What an optional layer's failure (timeout, HTTP error, model error) means for the request.</summary>
public enum LayerErrorOutcome
{
    /// <summary>Fail open: the request goes on, the failure is recorded in the decision's reason.</summary>
    Allow,

    /// <summary>Fail closed: the request is blocked, naming the failure.</summary>
    Block,
}
