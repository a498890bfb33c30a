using System.Security;

namespace KeepTrusts.Engine.Azure;

/// <summary>How to reach Azure Resource Manager: which cloud, which credential, which transport.</summary>
public sealed class ArmConnectionOptions
{
    /// <summary>ARM endpoint; null means the public cloud (https://management.azure.com/).</summary>
    public Uri? ArmEndpoint { get; init; }

    /// <summary>A bearer token for ARM. Null means Azure.Identity: managed identity first, then the default chain.</summary>
    public SecureString? AccessToken { get; init; }

    /// <summary>Accept any server certificate on the ARM connection (local fakes with self-signed certificates only).</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Per-request network timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay between long-running-operation status polls when ARM does not say (Retry-After).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
}
