namespace KeepTrusts.Engine.Hosting;

/// <summary>How to start a kt gateway process.</summary>
public sealed class GatewayStartOptions
{
    /// <summary>Full path of kt.dll (the module ships it under gateway/).</summary>
    public required string KtPath { get; init; }

    public required string PolicyConfig { get; init; }

    public string Listen { get; init; } = "127.0.0.1:8080";

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra environment variables for the process (secrets are passed through, never recorded).</summary>
    public IDictionary<string, string>? Environment { get; init; }

    /// <summary>Where instance records and logs live; default: <see cref="GatewayProcesses.DefaultStateDirectory"/>.</summary>
    public string? StateDirectory { get; init; }
}
