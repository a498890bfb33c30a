namespace KeepTrusts.Engine.Configuration;

/// <summary>Where a secret comes from. The value is read only when a request needs it, never at validation.</summary>
public sealed class SecretKeyRef : ConfigSection
{
    [ConfigKey("env", Required = true)]
    public string Env { get; set; } = string.Empty;
}
