namespace KeepTrusts.Engine.Configuration;

/// <summary><c>pack:</c> identifies the policy pack.</summary>
public sealed class PackOptions : ConfigSection
{
    [ConfigKey("name", Required = true)]
    public string Name { get; set; } = string.Empty;

    [ConfigKey("version")]
    public string Version { get; set; } = "0.0.0";

    [ConfigKey("enabled")]
    public bool Enabled { get; set; } = true;

    [ConfigKey("description")]
    public string? Description { get; set; }
}
