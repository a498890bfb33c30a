using System.Collections.Concurrent;
using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>Everything read from ARM for one run; null where not asked for, not found, or not readable (see Failures).</summary>
internal sealed class PrivateEndpointInventory
{
    /// <summary>Why ARM checks cannot run at all (no credential / no account id), or null.</summary>
    public string? ArmUnavailableReason { get; set; }

    public ConcurrentDictionary<string, ArmRequestException> Failures { get; } = new();

    public JsonElement? Account { get; set; }
    public string? AccountConnectionId { get; set; }
    public string? AccountConnectionStatus { get; set; }
    public int PrivateEndpointCount { get; set; }
    public string? PrivateEndpointId { get; set; }
    public JsonElement? PrivateEndpoint { get; set; }
    public JsonElement? Nic { get; set; }
    public string? NicIp { get; set; }
    public IReadOnlyList<JsonElement> ZoneGroups { get; set; } = [];
    public string? ZoneGroupZoneId { get; set; }
    public string? ZoneId { get; set; }
    public JsonElement? Zone { get; set; }
    public IReadOnlyList<string> ZoneCandidates { get; set; } = [];
    public IReadOnlyList<JsonElement> Links { get; set; } = [];
    public JsonElement? ARecord { get; set; }
    public string? PeSubnetId { get; set; }
    public JsonElement? PeSubnet { get; set; }
    public JsonElement? PeVnet { get; set; }
    public JsonElement? PeNsg { get; set; }
    public JsonElement? Site { get; set; }
    public JsonElement? SiteConfig { get; set; }
    public string? AppSubnetId { get; set; }
    public JsonElement? AppSubnet { get; set; }
    public JsonElement? AppVnet { get; set; }
    public JsonElement? AppNsg { get; set; }
    public AppService.AppServiceSettings? AppSettings { get; set; }
    public VnetDns.VnetDnsInventory? VnetDns { get; set; }
    public Routing.RoutePathInventory? RoutePath { get; set; }

    public string? FailureText(params string[] keys) =>
        keys.Select(k => Failures.TryGetValue(k, out var f) ? f.Message : null).FirstOrDefault(m => m is not null);
}
