namespace KeepTrusts.PowerShell;

/// <summary>One link of the private-endpoint chain, as Test-KtPrivateEndpoint writes it.</summary>
public sealed class KtPrivateEndpointCheck
{
    /// <summary>The endpoint host name the check ran for.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>The account's resource id (-AccountResourceId, or the account found by -SubscriptionId); null without one.</summary>
    public string? Account { get; set; }

    /// <summary>Stable id, e.g. Dns.ZoneLinks.</summary>
    public string Check { get; set; } = string.Empty;

    /// <summary>The seed article's failure mode (1 DNS, 2 App Service routing, 3 NSG, 4 SDK), when it names one.</summary>
    public int? Gotcha { get; set; }

    public KtCheckStatus Status { get; set; }

    /// <summary>What was seen, in words.</summary>
    public string Message { get; set; } = string.Empty;

    /// <summary>The data behind the verdict: addresses, records, rule names ("key=value; ...").</summary>
    public string Evidence { get; set; } = string.Empty;

    /// <summary>The exact command that fixes it, with your resource names; empty when nothing is to fix.</summary>
    public string? Remediation { get; set; }

    public override string ToString() => $"{Status} {Check}: {Message}";
}
