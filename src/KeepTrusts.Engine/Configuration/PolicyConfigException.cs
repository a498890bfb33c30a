namespace KeepTrusts.Engine.Configuration;

/// <summary>Thrown by <see cref="PolicyConfigLoader.LoadValid"/>: the message lists every error, one per line.</summary>
public sealed class PolicyConfigException(PolicyConfigLoadResult result)
    : Exception($"policy config '{result.Path}' is not valid:{Environment.NewLine}" + string.Join(Environment.NewLine, result.Errors.Select(e => "  " + e)))
{
    public PolicyConfigLoadResult Result { get; } = result;
}
