namespace KeepTrusts.Engine.Configuration;

/// <summary>The root of policy-config.yaml.</summary>
public sealed class PolicyConfig : ConfigSection
{
    [ConfigKey("pack", Required = true, Description = "name, version and enabled flag of this policy pack")]
    public PackOptions Pack { get; set; } = new();

    [ConfigKey("policies", Description = "the policy chain")]
    public PoliciesOptions Policies { get; set; } = new();

    [ConfigKey("policy", Description = "settings of each policy, keyed by policy name")]
    public PolicySettings Policy { get; set; } = new();

    [ConfigKey("providers", Required = true, Description = "routing strategy and upstream targets")]
    public ProvidersOptions Providers { get; set; } = new();

    [ConfigKey("gateway", Description = "server settings: body limit, client authentication, client rate limits")]
    public GatewayOptions Gateway { get; set; } = new();

    /// <summary>The file the configuration came from (full path), empty for in-memory text.</summary>
    public string SourcePath { get; internal set; } = string.Empty;
}
