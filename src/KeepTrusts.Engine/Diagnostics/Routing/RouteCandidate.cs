using System.Net;

namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>One route the app subnet has for an address: a user-defined route (UDR) or a system route.</summary>
internal sealed record RouteCandidate(IPNetwork Prefix, string NextHopType, string? NextHopIp, string Source, bool IsUserDefined)
{
    public string Describe() => $"{Source} {Prefix} -> {NextHopType}{(NextHopIp is null ? string.Empty : " " + NextHopIp)}";
}
