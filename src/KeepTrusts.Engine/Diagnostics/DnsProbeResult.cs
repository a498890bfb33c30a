using System.Net;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>What one DNS query for the account's FQDN returned.</summary>
public sealed record DnsProbeResult(
    string Server,
    bool Answered,
    string ResponseCode,
    IReadOnlyList<string> CnameChain,
    IReadOnlyList<IPAddress> Addresses,
    string? Error)
{
    public bool Resolved => Addresses.Count > 0;
}
