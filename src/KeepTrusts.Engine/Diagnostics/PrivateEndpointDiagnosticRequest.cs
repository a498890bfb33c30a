using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>What Test-KtPrivateEndpoint was asked to check.</summary>
public sealed class PrivateEndpointDiagnosticRequest
{
    /// <summary>https://name.openai.azure.com (a bare host name is accepted too).</summary>
    public required string Endpoint { get; init; }

    public string? AccountResourceId { get; init; }

    public string? AppServiceResourceId { get; init; }

    /// <summary>VNets that must resolve the name privately besides the PE's and the app's (for example other spokes).</summary>
    public IReadOnlyList<string> VirtualNetworkIds { get; init; } = [];

    /// <summary>"ip" or "ip:port"; null = the system resolver.</summary>
    public string? DnsServer { get; init; }

    public int Port { get; init; } = 443;

    /// <summary>How to reach ARM; null = no ARM (ARM checks are Skipped).</summary>
    public ArmConnectionOptions? Arm { get; init; }

    /// <summary>
    /// Reads shared with other runs (fleet mode: one cache for every account, so common zones, VNets and NSGs are read
    /// once); null = a cache of this run's own over <see cref="Arm"/>.
    /// </summary>
    public IArmReader? ArmReader { get; init; }

    /// <summary>The environment the SDK check reads (AZURE_OPENAI_ENDPOINT, OPENAI_API_BASE).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public TimeSpan DnsTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan TlsTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
