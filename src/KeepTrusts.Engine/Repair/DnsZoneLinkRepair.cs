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

        return new DnsZoneLinkPlan(request.PrivateEndpointId, zoneId, steps);
    }

    /// <summary>Writes one step and waits until ARM reports it Succeeded.</summary>
    public async Task<RepairActionResult> ApplyAsync(RepairStep step, CancellationToken cancellationToken)
    {
        if (step.AlreadyPresent)
        {
            return new RepairActionResult(step.Action, step.Target, RepairOutcome.AlreadyPresent, $"The {step.Description} already exists.");
        }

        _reporter.Progress(60, $"Creating the {step.Description}");
        await _arm.PutAsync(step.Target, step.Location, step.PropertiesJson, step.Description, cancellationToken).ConfigureAwait(false);
        return new RepairActionResult(step.Action, step.Target, RepairOutcome.Created, $"Created the {step.Description}.");
    }

    public static RepairActionResult Skipped(RepairStep step) => step.AlreadyPresent
        ? new RepairActionResult(step.Action, step.Target, RepairOutcome.AlreadyPresent, $"The {step.Description} already exists.")
        : new RepairActionResult(step.Action, step.Target, RepairOutcome.WouldCreate, $"Would create the {step.Description}.");

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
