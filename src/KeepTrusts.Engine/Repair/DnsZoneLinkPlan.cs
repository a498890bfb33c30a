namespace KeepTrusts.Engine.Repair;

/// <summary>The ordered steps (zone, links, zone group) and the names they were derived from.</summary>
public sealed record DnsZoneLinkPlan(string PrivateEndpointId, string ZoneId, IReadOnlyList<RepairStep> Steps);
