namespace KeepTrusts.Engine.Diagnostics.VnetDns;

/// <summary>
/// One DNS server of a VNet: its address, what it is, the VNet whose Azure DNS view it resolves through (null when
/// unknown), and the upstream servers it forwards to (Azure Firewall DNS proxy with custom servers).
/// </summary>
internal sealed record VnetDnsServer(string Address, DnsServerKind Kind, string Description, string? ResolvesFromVnetId, IReadOnlyList<string> Upstream);
