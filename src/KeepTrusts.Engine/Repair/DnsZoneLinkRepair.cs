using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics;

namespace KeepTrusts.Engine.Repair;

/// <summary>
/// Puts the DNS side of a private endpoint in place: the private DNS zone (location global), a link from each VNet
/// (registration disabled), and the endpoint's DNS zone group (which makes the Network provider keep the A record).
/// <see cref="PlanAsync"/> only reads; <see cref="ApplyAsync"/> writes one step and waits for its long-running
/// operation. Steps already in place are reported AlreadyPresent and never written, so a second run changes nothing.
/// </summary>
public sealed class DnsZoneLinkRepair
{
    private readonly ArmResources _arm;
    private readonly IOperationReporter _reporter;

    public DnsZoneLinkRepair(ArmConnectionOptions options, IOperationReporter? reporter = null)
    {
        _reporter = reporter ?? NullOperationReporter.Instance;
        _arm = new ArmResources(options, _reporter);
    }

    public async Task<DnsZoneLinkPlan> PlanAsync(DnsZoneLinkRepairRequest request, CancellationToken cancellationToken)
    {
        ArmIds.Validate(request.PrivateEndpointId, "-PrivateEndpointId", "Microsoft.Network/privateEndpoints");
        foreach (var vnet in request.VirtualNetworkIds)
        {
            ArmIds.Validate(vnet, "-VirtualNetworkId", "Microsoft.Network/virtualNetworks");
        }

        if (!request.ZoneName.StartsWith("privatelink.", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"-ZoneName '{request.ZoneName}' must be a privatelink zone, for Azure OpenAI exactly privatelink.openai.azure.com.");
        }

        _reporter.Progress(10, "Reading the private endpoint");
        var pe = await _arm.GetAsync(request.PrivateEndpointId, cancellationToken).ConfigureAwait(false)
            ?? throw new ArmRequestException(
                ArmErrorKind.NotFound, 404, request.PrivateEndpointId, "read", null, "ResourceNotFound",
                $"Not found: private endpoint {request.PrivateEndpointId}. Check the subscription, resource group and name "
                + $"(az network private-endpoint list --query \"[].id\"), and that the identity can read it (Microsoft.Network/privateEndpoints/read).");

        var zoneGroups = await _arm.ListAsync(request.PrivateEndpointId, "privateDnsZoneGroups", cancellationToken).ConfigureAwait(false);
        var peSubnet = ((JsonElement?)pe).Str("properties", "subnet", "id");
        var peVnet = peSubnet is null ? null : ArmIds.Parent(peSubnet);
        var existingZoneId = zoneGroups
            .SelectMany(g => ((JsonElement?)g).Arr("properties", "privateDnsZoneConfigs"))
            .Select(c => ((JsonElement?)c).Str("properties", "privateDnsZoneId"))
            .FirstOrDefault(z => z is not null && string.Equals(ArmIds.Name(z), request.ZoneName, StringComparison.OrdinalIgnoreCase));
        var zoneId = existingZoneId ?? ZoneIdIn(request.ZoneResourceGroupId ?? ResourceGroupIdOf(peVnet ?? request.PrivateEndpointId), request.ZoneName);

        _reporter.Progress(30, $"Reading the zone {request.ZoneName} and its links");
        var zone = await _arm.GetAsync(zoneId, cancellationToken).ConfigureAwait(false);
        var links = zone is null ? [] : await _arm.ListAsync(zoneId, "virtualNetworkLinks", cancellationToken).ConfigureAwait(false);

        var steps = new List<RepairStep>
        {
            new(RepairActionKind.CreateZone, zoneId, $"private DNS zone {request.ZoneName} in {ArmIds.ResourceGroup(zoneId)}", zone is not null, "global", "{}"),
        };

        var vnets = new List<string>();
        foreach (var vnet in (peVnet is null ? [] : new[] { peVnet }).Concat(request.VirtualNetworkIds))
        {
            if (!vnets.Any(v => ArmIds.SameId(v, vnet)))
            {
                vnets.Add(vnet);
            }
        }

        foreach (var vnet in vnets)
        {
            var existing = links.Select(l => (JsonElement?)l).FirstOrDefault(l => ArmIds.SameId(l.Str("properties", "virtualNetwork", "id"), vnet));
            var linkId = existing.Str("id") ?? $"{zoneId}/virtualNetworkLinks/link-{ArmIds.Name(vnet)}";
            var properties = new JsonObject
            {
                ["virtualNetwork"] = new JsonObject { ["id"] = vnet },
                ["registrationEnabled"] = false,
            };
            steps.Add(new(RepairActionKind.LinkVirtualNetwork, linkId, $"link from {ArmIds.Name(vnet)} to {request.ZoneName} (registration disabled)",
                existing is not null, "global", properties.ToJsonString()));
        }

        var hasGroup = existingZoneId is not null && ArmIds.SameId(existingZoneId, zoneId);
        var group = zoneGroups.Count > 0 ? (JsonElement?)zoneGroups[0] : null;
        var groupId = group.Str("id") ?? $"{request.PrivateEndpointId}/privateDnsZoneGroups/default";
        var configs = new JsonArray();
        foreach (var config in group.Arr("properties", "privateDnsZoneConfigs"))
        {
            // Keep the zones the group already serves; the PUT replaces the whole group.
            JsonElement? c = config;
            configs.Add(new JsonObject { ["name"] = c.Str("name"), ["properties"] = new JsonObject { ["privateDnsZoneId"] = c.Str("properties", "privateDnsZoneId") } });
        }

        configs.Add(new JsonObject
        {
            ["name"] = request.ZoneName.Replace('.', '-'),
            ["properties"] = new JsonObject { ["privateDnsZoneId"] = zoneId },
        });
        steps.Add(new(RepairActionKind.CreateZoneGroup, groupId, $"DNS zone group on {ArmIds.Name(request.PrivateEndpointId)} for {request.ZoneName}",
            hasGroup, ((JsonElement?)pe).Str("location"), new JsonObject { ["privateDnsZoneConfigs"] = configs }.ToJsonString()));

        if (request.FixStaleRecord && zone is not null)
        {
            var rewrite = await StaleRecordStepAsync((JsonElement?)pe, zoneId, request.ZoneName, cancellationToken).ConfigureAwait(false);
            if (rewrite is not null)
            {
                steps.Add(rewrite);
            }
        }

        return new DnsZoneLinkPlan(request.PrivateEndpointId, zoneId, steps);
    }

    /// <summary>
    /// The A record the endpoint's FQDN needs, rewritten to the NIC address when it holds anything else. No step when
    /// the record does not exist (the zone group makes the Network provider write it) or the NIC address is unknown.
    /// </summary>
    private async Task<RepairStep?> StaleRecordStepAsync(JsonElement? pe, string zoneId, string zoneName, CancellationToken cancellationToken)
    {
        var suffix = zoneName["privatelink.".Length..];
        var config = pe.Arr("properties", "customDnsConfigs")
            .Select(c => (JsonElement?)c)
            .FirstOrDefault(c => c.Str("fqdn")?.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase) == true);
        var fqdn = config.Str("fqdn");
        var nicIp = config.Arr("ipAddresses").Select(a => a.GetString()).FirstOrDefault(a => a is not null);
        if (nicIp is null)
        {
            var nicId = pe.Arr("properties", "networkInterfaces").Select(n => ((JsonElement?)n).Str("id")).FirstOrDefault(i => i is not null);
            var nic = nicId is null ? null : await _arm.GetAsync(nicId, cancellationToken).ConfigureAwait(false);
            var ipConfig = nic.Arr("properties", "ipConfigurations").Select(c => (JsonElement?)c).FirstOrDefault();
            nicIp = ipConfig.Str("properties", "privateIPAddress");
            fqdn ??= ipConfig.Arr("properties", "privateLinkConnectionProperties", "fqdns").Select(f => f.GetString()).FirstOrDefault();
        }

        if (fqdn is null || nicIp is null)
        {
            _reporter.Verbose("-FixStaleRecord: the endpoint's FQDN or NIC address is unknown; the A record is left as it is.");
            return null;
        }

        var recordName = fqdn.Split('.')[0];
        var recordId = $"{zoneId}/A/{recordName}";
        var record = await _arm.GetAsync(recordId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            _reporter.Verbose($"-FixStaleRecord: there is no A record {recordName} in {zoneName} yet; the zone group writes it.");
            return null;
        }

        var addresses = record.Arr("properties", "aRecords").Select(a => ((JsonElement?)a).Str("ipv4Address")).Where(a => a is not null).ToList();
        var current = addresses.Count == 1 && addresses[0] == nicIp;
        var properties = new JsonObject
        {
            ["ttl"] = record.Int("properties", "ttl") ?? 10,
            ["aRecords"] = new JsonArray(new JsonObject { ["ipv4Address"] = nicIp }),
        };
        if (record.Obj("properties", "metadata") is { } metadata)
        {
            properties["metadata"] = JsonNode.Parse(metadata.GetRawText());
        }

        var description = current
            ? $"A record {recordName} in {zoneName} holding {nicIp}"
            : $"A record {recordName} in {zoneName} ({string.Join(", ", addresses)} -> {nicIp}, the endpoint's NIC address)";
        return new RepairStep(RepairActionKind.RewriteARecord, recordId, description, current, null, properties.ToJsonString());
    }

    /// <summary>Writes one step and waits until ARM reports it Succeeded.</summary>
    public async Task<RepairActionResult> ApplyAsync(RepairStep step, CancellationToken cancellationToken)
    {
        if (step.AlreadyPresent)
        {
            return Skipped(step);
        }

        if (step.IsUpdate)
        {
            // Record sets are proxy resources written synchronously: no location, no long-running operation.
            _reporter.Progress(80, $"Rewriting the {step.Description}");
            await _arm.PutProxyAsync(step.Target, step.PropertiesJson, cancellationToken).ConfigureAwait(false);
            return new RepairActionResult(step.Action, step.Target, RepairOutcome.Updated, $"Rewrote the {step.Description}.");
        }

        _reporter.Progress(60, $"Creating the {step.Description}");
        await _arm.PutAsync(step.Target, step.Location, step.PropertiesJson, step.Description, cancellationToken).ConfigureAwait(false);
        return new RepairActionResult(step.Action, step.Target, RepairOutcome.Created, $"Created the {step.Description}.");
    }

    public static RepairActionResult Skipped(RepairStep step) => (step.AlreadyPresent, step.IsUpdate) switch
    {
        (true, true) => new RepairActionResult(step.Action, step.Target, RepairOutcome.AlreadyPresent, $"The {step.Description} is current."),
        (true, false) => new RepairActionResult(step.Action, step.Target, RepairOutcome.AlreadyPresent, $"The {step.Description} already exists."),
        (false, true) => new RepairActionResult(step.Action, step.Target, RepairOutcome.WouldUpdate, $"Would rewrite the {step.Description}."),
        (false, false) => new RepairActionResult(step.Action, step.Target, RepairOutcome.WouldCreate, $"Would create the {step.Description}."),
    };

    private static string ResourceGroupIdOf(string resourceId) =>
        $"/subscriptions/{ArmIds.Subscription(resourceId)}/resourceGroups/{ArmIds.ResourceGroup(resourceId)}";

    private static string ZoneIdIn(string resourceGroupId, string zoneName)
    {
        var trimmed = resourceGroupId.TrimEnd('/');
        var segments = trimmed.Trim('/').Split('/');
        if (segments.Length != 4 || !segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || !segments[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"-ZoneResourceGroupId '{resourceGroupId}' is not a resource group id. Expected /subscriptions/<guid>/resourceGroups/<name>.");
        }

        return $"{trimmed}/providers/Microsoft.Network/privateDnsZones/{zoneName}";
    }
}
