namespace KeepTrusts.Engine.Diagnostics;

/// <summary>What the checks are evaluated against: the request, the FQDN, the DNS answer and the ARM inventory.</summary>
internal sealed record PrivateEndpointCheckContext(
    PrivateEndpointDiagnosticRequest Request,
    string Fqdn,
    DnsProbeResult Dns,
    PrivateEndpointInventory Inventory);
