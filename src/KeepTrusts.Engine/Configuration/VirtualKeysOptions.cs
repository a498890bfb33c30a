namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.keys</c>: virtual client keys kept in a key store file (see <c>kt keys</c>, New-KtGatewayKey).</summary>
public sealed class VirtualKeysOptions : ConfigSection
{
    /// <summary>The key store file (JSON). Relative paths are relative to the config file. Watched for changes.</summary>
    [ConfigKey("store", Required = true)]
    public string Store { get; set; } = string.Empty;
}
