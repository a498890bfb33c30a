using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>
/// Runs the private-endpoint checklist: DNS from where it runs (or -DnsServer), the ARM configuration around the
/// endpoint (read in parallel where independent), a TLS handshake only to the endpoint's own address, and the SDK
/// settings; returns one result per check in checklist order.
/// </summary>
public sealed class PrivateEndpointDiagnostics
{
    private readonly IOperationReporter _reporter;

    public PrivateEndpointDiagnostics(IOperationReporter? reporter = null)
    {
        _reporter = reporter ?? NullOperationReporter.Instance;
    }

    /// <summary>Host name from "https://name.openai.azure.com/..." or "name.openai.azure.com"; rejects IPs with the reason.</summary>
    public static string ParseEndpointHost(string endpoint)
    {
        var text = endpoint.Trim();
        var host = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host : text.TrimEnd('/');
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            throw new ArgumentException(
                $"-Endpoint '{endpoint}' is an IP address. Give the account's FQDN (https://<name>.openai.azure.com): TLS and the private DNS zone work on the name, not the IP.");
        }

        if (host.Split('.').Length < 3 || host.Contains('/') || host.Contains(' '))
        {
            throw new ArgumentException(
                $"-Endpoint '{endpoint}' is not an Azure OpenAI endpoint URL. Expected https://<name>.openai.azure.com/ (or set AZURE_OPENAI_ENDPOINT).");
        }

        return host.ToLowerInvariant();
    }

    public async Task<PrivateEndpointReport> RunAsync(PrivateEndpointDiagnosticRequest request, CancellationToken cancellationToken)
    {
        var fqdn = ParseEndpointHost(request.Endpoint);
        var dnsServer = request.DnsServer is null ? null : DnsProbe.ParseServer(request.DnsServer);
        ValidateIds(request);

        _reporter.Progress(5, $"Resolving {fqdn}");
        _reporter.Verbose($"DNS A query for {fqdn} via {(dnsServer?.ToString() ?? "the system resolver")}");
        var dnsTask = DnsProbe.ResolveAsync(fqdn, dnsServer, request.DnsTimeout, cancellationToken);
        var inventoryTask = GatherAsync(request, fqdn, dnsTask, cancellationToken);
        await Task.WhenAll(dnsTask, inventoryTask).ConfigureAwait(false);
        var dns = await dnsTask.ConfigureAwait(false);
        var inventory = await inventoryTask.ConfigureAwait(false);

        _reporter.Progress(80, "TLS handshake");
        var context = new PrivateEndpointCheckContext(request, fqdn, dns, inventory);
        var tls = await HandshakeIfAllowedAsync(context, cancellationToken).ConfigureAwait(false);

        _reporter.Progress(95, "Evaluating checks");
        var checks = PrivateEndpointChecks.Evaluate(context, tls);
        _reporter.Progress(100, "Done");
        var summary = PrivateEndpointSummary.From(fqdn, checks) with
        {
            PrivateEndpointId = inventory.PrivateEndpointId,
            VirtualNetworkIds = new RemediationNames(context).RequiredVnets.Select(v => v.Id).ToList(),
        };
        return new PrivateEndpointReport(checks, inventory.Failures.Values.ToList(), summary);
    }

    private static void ValidateIds(PrivateEndpointDiagnosticRequest request)
    {
        if (request.AccountResourceId is not null)
        {
            ArmIds.Validate(request.AccountResourceId, "-AccountResourceId", "Microsoft.CognitiveServices/accounts");
        }

        if (request.AppServiceResourceId is not null)
        {
            ArmIds.Validate(request.AppServiceResourceId, "-AppServiceResourceId", "Microsoft.Web/sites");
        }

        foreach (var vnet in request.VirtualNetworkIds)
        {
            ArmIds.Validate(vnet, "-VirtualNetworkId", "Microsoft.Network/virtualNetworks");
        }

        if (request.Port is < 1 or > 65535)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"-Port {request.Port} is outside 1-65535."));
        }
    }

    /// <summary>
    /// The safety rule: connect only to the private endpoint's own address (from ARM), or, with no ARM data, to a
    /// private or loopback address. A public answer is reported, never connected to.
    /// </summary>
    internal static (bool Allowed, IPAddress? Address, string Reason) ConnectDecision(DnsProbeResult dns, string? nicIp)
    {
        var address = dns.Addresses.FirstOrDefault();
        if (address is null)
        {
            return (false, null, "DNS returned no address to connect to");
        }

        if (nicIp is not null)
        {
            return address.ToString() == nicIp
                ? (true, address, $"{address} is the private endpoint's NIC address")
                : (false, address, $"not connecting: {address} is not the private endpoint's NIC address {nicIp}");
        }

        return Networking.AddressRanges.IsPrivateOrLoopback(address)
            ? (true, address, $"{address} is a private address (no ARM data to compare with)")
            : (false, address, $"not connecting: {address} is a public address, not a private endpoint");
    }

    private async Task<TlsProbeResult?> HandshakeIfAllowedAsync(PrivateEndpointCheckContext context, CancellationToken cancellationToken)
    {
        var (allowed, address, _) = ConnectDecision(context.Dns, context.Inventory.NicIp);
        if (!allowed || address is null)
        {
            return null;
        }

        _reporter.Verbose(string.Create(CultureInfo.InvariantCulture, $"TLS handshake with {address}:{context.Request.Port} (SNI {context.Fqdn})"));
        return await TlsProbe.HandshakeAsync(address, context.Request.Port, context.Fqdn, context.Request.TlsTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PrivateEndpointInventory> GatherAsync(
        PrivateEndpointDiagnosticRequest request, string fqdn, Task<DnsProbeResult> dnsTask, CancellationToken cancellationToken)
    {
        var inventory = new PrivateEndpointInventory();
        if (request.Arm is null && request.ArmReader is null)
        {
            inventory.ArmUnavailableReason = "no ARM access was configured";
            return inventory;
        }

        if (request.AccountResourceId is null && request.AppServiceResourceId is null)
        {
            inventory.ArmUnavailableReason = "no -AccountResourceId was given";
        }

        var arm = request.ArmReader ?? new CachedArmReader(new ArmResources(request.Arm!, _reporter));

        async Task<JsonElement?> Read(string key, string? id, bool required)
        {
            if (id is null)
            {
                return null;
            }

            try
            {
                var resource = await arm.GetAsync(id, cancellationToken).ConfigureAwait(false);
                if (resource is null && required)
                {
                    inventory.Failures[key] = new ArmRequestException(
                        ArmErrorKind.NotFound, 404, id, "read", null, "ResourceNotFound",
                        $"Not found: {id}. Check the subscription, resource group and name (az resource show --ids {id}).");
                }

                return resource;
            }
            catch (ArmRequestException ex)
            {
                inventory.Failures[key] = ex;
                return null;
            }
        }

        async Task<IReadOnlyList<JsonElement>> List(string key, string? parentId, string childType)
        {
            if (parentId is null)
            {
                return [];
            }

            try
            {
                return await arm.ListAsync(parentId, childType, cancellationToken).ConfigureAwait(false);
            }
            catch (ArmRequestException ex)
            {
                inventory.Failures[key] = ex;
                return [];
            }
        }

        // Stage 1: the resources the caller named.
        _reporter.Progress(15, "Reading the account and the App Service");
        var accountTask = Read("account", request.AccountResourceId, required: true);
        var siteTask = Read("site", request.AppServiceResourceId, required: true);
        var siteConfigTask = Read("siteConfig", request.AppServiceResourceId is null ? null : request.AppServiceResourceId + "/config/web", required: false);
        var settingsTask = ReadSettingsAsync(arm, request.AppServiceResourceId, inventory, cancellationToken);
        await Task.WhenAll(accountTask, siteTask, siteConfigTask, settingsTask).ConfigureAwait(false);
        inventory.AppSettings = await settingsTask.ConfigureAwait(false);
        inventory.Account = await accountTask.ConfigureAwait(false);
        inventory.Site = await siteTask.ConfigureAwait(false);
        inventory.SiteConfig = await siteConfigTask.ConfigureAwait(false);

        var connections = inventory.Account.Arr("properties", "privateEndpointConnections");
        inventory.PrivateEndpointCount = connections.Count;
        var chosen = connections.FirstOrDefault(c => ((JsonElement?)c).Str("properties", "privateLinkServiceConnectionState", "status") == "Approved");
        if (chosen.ValueKind == JsonValueKind.Undefined && connections.Count > 0)
        {
            chosen = connections[0];
        }

        inventory.AppSubnetId = inventory.Site.Str("properties", "virtualNetworkSubnetId");
        if (connections.Count > 1)
        {
            chosen = await ChooseEndpointAsync(request, fqdn, connections, chosen, inventory.AppSubnetId, dnsTask, Read).ConfigureAwait(false);
        }

        if (chosen.ValueKind != JsonValueKind.Undefined)
        {
            JsonElement? c = chosen;
            inventory.AccountConnectionId = c.Str("id");
            inventory.AccountConnectionStatus = c.Str("properties", "privateLinkServiceConnectionState", "status");
            inventory.PrivateEndpointId = c.Str("properties", "privateEndpoint", "id");
        }

        // Stage 2: the private endpoint, and the app's subnet and VNet.
        _reporter.Progress(30, "Reading the private endpoint and the app's network");
        var peTask = Read("privateEndpoint", inventory.PrivateEndpointId, required: true);
        var appSubnetTask = Read("appSubnet", inventory.AppSubnetId, required: false);
        var appVnetTask = Read("appVnet", inventory.AppSubnetId is null ? null : ArmIds.Parent(inventory.AppSubnetId), required: false);
        var zoneGroupsTask = List("zoneGroups", inventory.PrivateEndpointId, "privateDnsZoneGroups");
        await Task.WhenAll(peTask, appSubnetTask, appVnetTask, zoneGroupsTask).ConfigureAwait(false);
        inventory.PrivateEndpoint = await peTask.ConfigureAwait(false);
        inventory.AppSubnet = await appSubnetTask.ConfigureAwait(false);
        inventory.AppVnet = await appVnetTask.ConfigureAwait(false);
        inventory.ZoneGroups = await zoneGroupsTask.ConfigureAwait(false);

        inventory.PeSubnetId = inventory.PrivateEndpoint.Str("properties", "subnet", "id");
        var nicId = inventory.PrivateEndpoint.Arr("properties", "networkInterfaces").Select(n => ((JsonElement?)n).Str("id")).FirstOrDefault(i => i is not null);
        var expectedZone = PrivateEndpointChecks.ZoneNameFor(fqdn);
        inventory.ZoneGroupZoneId = inventory.ZoneGroups
            .SelectMany(g => ((JsonElement?)g).Arr("properties", "privateDnsZoneConfigs"))
            .Select(c => ((JsonElement?)c).Str("properties", "privateDnsZoneId"))
            .FirstOrDefault(z => z is not null && string.Equals(ArmIds.Name(z), expectedZone, StringComparison.OrdinalIgnoreCase))
            ?? inventory.ZoneGroups
                .SelectMany(g => ((JsonElement?)g).Arr("properties", "privateDnsZoneConfigs"))
                .Select(c => ((JsonElement?)c).Str("properties", "privateDnsZoneId"))
                .FirstOrDefault(z => z is not null);

        // Stage 3: NIC, PE subnet and VNet, NSGs, and the zone.
        _reporter.Progress(50, "Reading the endpoint's NIC, subnet, NSGs and the private DNS zone");
        var nicTask = Read("nic", nicId, required: false);
        var peSubnetTask = Read("peSubnet", inventory.PeSubnetId, required: false);
        var peVnetTask = Read("peVnet", inventory.PeSubnetId is null ? null : ArmIds.Parent(inventory.PeSubnetId), required: false);
        var appNsgTask = Read("appNsg", inventory.AppSubnet.Str("properties", "networkSecurityGroup", "id"), required: false);
        inventory.ZoneCandidates = ZoneCandidates(inventory, expectedZone);
        var zoneTask = FindZoneAsync(inventory, Read);
        await Task.WhenAll(nicTask, peSubnetTask, peVnetTask, appNsgTask, zoneTask).ConfigureAwait(false);
        inventory.Nic = await nicTask.ConfigureAwait(false);
        inventory.PeSubnet = await peSubnetTask.ConfigureAwait(false);
        inventory.PeVnet = await peVnetTask.ConfigureAwait(false);
        inventory.AppNsg = await appNsgTask.ConfigureAwait(false);
        (inventory.ZoneId, inventory.Zone) = await zoneTask.ConfigureAwait(false);
        inventory.NicIp = NicAddress(inventory.Nic, fqdn) ?? inventory.PrivateEndpoint.Arr("properties", "customDnsConfigs")
            .Where(c => string.Equals(((JsonElement?)c).Str("fqdn"), fqdn, StringComparison.OrdinalIgnoreCase))
            .SelectMany(c => ((JsonElement?)c).Arr("ipAddresses")).Select(a => a.GetString()).FirstOrDefault();

        // Stage 4: PE NSG, links and the A record.
        _reporter.Progress(65, "Reading zone links, the A record and the endpoint subnet's NSG");
        var peNsgTask = Read("peNsg", inventory.PeSubnet.Str("properties", "networkSecurityGroup", "id"), required: false);
        var linksTask = List("links", inventory.Zone is null ? null : inventory.ZoneId, "virtualNetworkLinks");
        var aRecordTask = Read("aRecord", inventory.Zone is null ? null : $"{inventory.ZoneId}/A/{fqdn.Split('.')[0]}", required: false);
        await Task.WhenAll(peNsgTask, linksTask, aRecordTask).ConfigureAwait(false);
        inventory.PeNsg = await peNsgTask.ConfigureAwait(false);
        inventory.Links = await linksTask.ConfigureAwait(false);
        inventory.ARecord = await aRecordTask.ConfigureAwait(false);

        // Stage 5: how the VNets resolve names (custom DNS servers, resolvers, firewalls, forwarding rulesets).
        _reporter.Progress(72, "Reading the VNets' DNS servers and forwarding rulesets");
        var vnets = new List<(string, JsonElement?, string)>();
        if (inventory.AppSubnetId is not null && inventory.AppVnet is not null)
        {
            vnets.Add((ArmIds.Parent(inventory.AppSubnetId), inventory.AppVnet, "the app's VNet"));
        }

        if (inventory.PeSubnetId is not null && inventory.PeVnet is not null && !vnets.Any(v => ArmIds.SameId(v.Item1, ArmIds.Parent(inventory.PeSubnetId))))
        {
            vnets.Add((ArmIds.Parent(inventory.PeSubnetId), inventory.PeVnet, "the endpoint's VNet"));
        }

        var vnetDnsTask = vnets.Count > 0 ? VnetDns.VnetDnsReader.ReadAsync(arm, vnets, cancellationToken) : Task.FromResult<VnetDns.VnetDnsInventory>(null!);
        var routeTask = Routing.RoutePathReader.ReadAsync(arm, inventory, cancellationToken);
        try
        {
            inventory.VnetDns = await vnetDnsTask.ConfigureAwait(false);
        }
        catch (ArmRequestException ex)
        {
            inventory.Failures["vnetDns"] = ex;
        }

        try
        {
            inventory.RoutePath = await routeTask.ConfigureAwait(false);
        }
        catch (ArmRequestException ex)
        {
            inventory.Failures["routePath"] = ex;
        }

        return inventory;
    }

    private static async Task<AppService.AppServiceSettings?> ReadSettingsAsync(
        IArmReader arm, string? appId, PrivateEndpointInventory inventory, CancellationToken cancellationToken)
    {
        if (appId is null)
        {
            return null;
        }

        try
        {
            return await AppService.AppServiceSettingsReader.ReadAsync(arm, appId, cancellationToken).ConfigureAwait(false);
        }
        catch (ArmRequestException ex)
        {
            inventory.Failures["appSettings"] = ex;
            return null;
        }
    }

    /// <summary>
    /// With several endpoints on one account (one per region or per hub), the one that matters is the one DNS sends
    /// this client to; failing that, the one in a VNet the caller named (or the app's), else the first approved.
    /// </summary>
    private async Task<JsonElement> ChooseEndpointAsync(
        PrivateEndpointDiagnosticRequest request,
        string fqdn,
        IReadOnlyList<JsonElement> connections,
        JsonElement fallback,
        string? appSubnetId,
        Task<DnsProbeResult> dnsTask,
        Func<string, string?, bool, Task<JsonElement?>> read)
    {
        var peIds = connections.Select(c => ((JsonElement?)c).Str("properties", "privateEndpoint", "id")).ToList();
        var endpoints = await Task.WhenAll(peIds.Select(id => read("candidate:" + id, id, false))).ConfigureAwait(false);
        var nics = await Task.WhenAll(endpoints.Select(pe =>
        {
            var nicId = pe.Arr("properties", "networkInterfaces").Select(n => ((JsonElement?)n).Str("id")).FirstOrDefault(i => i is not null);
            return read("candidateNic:" + nicId, nicId, false);
        })).ConfigureAwait(false);
        var dns = await dnsTask.ConfigureAwait(false);
        var resolved = dns.Addresses.Select(a => a.ToString()).ToHashSet();
        for (var i = 0; i < connections.Count; i++)
        {
            if (NicAddress(nics[i], fqdn) is { } ip && resolved.Contains(ip))
            {
                _reporter.Verbose(string.Create(CultureInfo.InvariantCulture, $"{connections.Count} private endpoints; checking {peIds[i]}: DNS answers its address {ip}"));
                return connections[i];
            }
        }

        var wanted = request.VirtualNetworkIds.Concat(appSubnetId is null ? [] : [ArmIds.Parent(appSubnetId)]).ToList();
        for (var i = 0; i < connections.Count; i++)
        {
            var subnet = endpoints[i].Str("properties", "subnet", "id");
            if (subnet is not null && wanted.Any(v => ArmIds.SameId(v, ArmIds.Parent(subnet))))
            {
                return connections[i];
            }
        }

        return fallback;
    }

    /// <summary>Where the zone can be: the one the zone group names, else beside the PE's VNet or the PE itself.</summary>
    private static IReadOnlyList<string> ZoneCandidates(PrivateEndpointInventory inventory, string zoneName)
    {
        var candidates = new List<string>();
        if (inventory.ZoneGroupZoneId is not null)
        {
            candidates.Add(inventory.ZoneGroupZoneId);
        }

        foreach (var owner in new[] { inventory.PeSubnetId is null ? null : ArmIds.Parent(inventory.PeSubnetId), inventory.PrivateEndpointId })
        {
            if (owner is null)
            {
                continue;
            }

            var id = $"/subscriptions/{ArmIds.Subscription(owner)}/resourceGroups/{ArmIds.ResourceGroup(owner)}/providers/Microsoft.Network/privateDnsZones/{zoneName}";
            if (!candidates.Any(c => ArmIds.SameId(c, id)))
            {
                candidates.Add(id);
            }
        }

        return candidates;
    }

    private static async Task<(string?, JsonElement?)> FindZoneAsync(
        PrivateEndpointInventory inventory, Func<string, string?, bool, Task<JsonElement?>> read)
    {
        foreach (var candidate in inventory.ZoneCandidates)
        {
            var zone = await read("zone", candidate, false).ConfigureAwait(false);
            if (zone is not null)
            {
                return (candidate, zone);
            }
        }

        return (null, null);
    }

    private static string? NicAddress(JsonElement? nic, string fqdn)
    {
        var configurations = nic.Arr("properties", "ipConfigurations");
        var forFqdn = configurations.FirstOrDefault(c =>
            ((JsonElement?)c).Arr("properties", "privateLinkConnectionProperties", "fqdns").Any(f => string.Equals(f.GetString(), fqdn, StringComparison.OrdinalIgnoreCase)));
        var chosen = forFqdn.ValueKind != JsonValueKind.Undefined ? forFqdn : configurations.FirstOrDefault();
        return chosen.ValueKind == JsonValueKind.Undefined ? null : ((JsonElement?)chosen).Str("properties", "privateIPAddress");
    }
}
