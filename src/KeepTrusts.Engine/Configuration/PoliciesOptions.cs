namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policies:</c> the ordered chain of policy names.</summary>
public sealed class PoliciesOptions : ConfigSection
{
    [ConfigKey("chain")]
    public List<string> Chain { get; set; } = [];
}
