namespace KeepTrusts.PowerShell;

/// <summary>Test-KtPrivateEndpoint -Summary: the first broken link and its fix.</summary>
public sealed class KtPrivateEndpointSummary
{
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>The account's resource id (-AccountResourceId, or the account found by -SubscriptionId); null without one.</summary>
    public string? Account { get; set; }

    /// <summary>True when no check failed (warnings allowed).</summary>
    public bool Healthy { get; set; }

    /// <summary>The first failing check (or the first warning when nothing failed); null when all passed.</summary>
    public string? FirstFailingCheck { get; set; }

    public int? Gotcha { get; set; }

    public string Message { get; set; } = string.Empty;

    public string? Remediation { get; set; }

    public int Failed { get; set; }

    public int Warnings { get; set; }

    public int Passed { get; set; }

    public int Skipped { get; set; }

    /// <summary>The private endpoint checked; binds to Repair-KtDnsZoneLink -PrivateEndpointId from the pipeline.</summary>
    public string? PrivateEndpointId { get; set; }

    /// <summary>The VNets that must be linked to the zone; binds to Repair-KtDnsZoneLink -VirtualNetworkId.</summary>
    public string[] VirtualNetworkId { get; set; } = [];

    public override string ToString() => Healthy ? $"Healthy: {Message}" : $"Broken at {FirstFailingCheck}: {Message}";
}
