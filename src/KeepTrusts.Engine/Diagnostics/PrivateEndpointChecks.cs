using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics.Networking;
using Ids = KeepTrusts.Engine.Diagnostics.PrivateEndpointCheckIds;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>Turns what was observed into one <see cref="CheckResult"/> per check, with the user's names in every fix.</summary>
internal static class PrivateEndpointChecks
{
    private const int DnsGotcha = 1;
    private const int RoutingGotcha = 2;
    private const int NsgGotcha = 3;
    private const int SdkGotcha = 4;

    /// <summary>name.openai.azure.com → privatelink.openai.azure.com (and the same for cognitiveservices.azure.com).</summary>
    public static string ZoneNameFor(string fqdn) => "privatelink." + fqdn[(fqdn.IndexOf('.') + 1)..];

    public static IReadOnlyList<CheckResult> Evaluate(PrivateEndpointCheckContext context, TlsProbeResult? tls)
    {
        var names = new RemediationNames(context);
        return
        [
            DnsResolution(context, names),
            DnsPrivatelinkCname(context, names),
            DnsPrivateIp(context, names),
            DnsZone(context, names),
            DnsZoneLinks(context, names),
            DnsZoneGroup(context, names),
            DnsARecord(context, names),
            VnetDns.VnetDnsChecks.Servers(context, names),
            VnetDns.VnetDnsChecks.Forwarding(context, names),
            Connection(context),
            AccountNetwork(context),
            RouteAll(context),
            Routing.RoutePathCheck.Evaluate(context, names),
            NetworkPolicies(context, names, out var inboundApplies),
            Nsg(context, names, inboundApplies),
            Tls(context, tls),
            AppService.AppServiceSettingsCheck.Evaluate(context, names),
            Sdk(context, names),
        ];
    }

    private static List<KeyValuePair<string, string>> Ev(params (string Key, string? Value)[] items) =>
        items.Where(i => !string.IsNullOrEmpty(i.Value)).Select(i => new KeyValuePair<string, string>(i.Key, i.Value!)).ToList();

    private static CheckResult Skip(string id, int? gotcha, string why) => new(id, gotcha, CheckStatus.Skipped, why, [], null);

    private static string? ArmSkipReason(PrivateEndpointCheckContext c, params string[] failureKeys)
    {
        if (c.Inventory.ArmUnavailableReason is { } reason && c.Request.AccountResourceId is null)
        {
            return $"Needs ARM: {reason} (pass -AccountResourceId and sign in, or -AccessToken).";
        }

        return c.Inventory.FailureText(failureKeys) is { } failure ? "Could not read from ARM: " + failure : null;
    }

    private static CheckResult DnsResolution(PrivateEndpointCheckContext c, RemediationNames n)
    {
        var dns = c.Dns;
        var evidence = Ev(("server", dns.Server), ("rcode", dns.ResponseCode), ("cname", string.Join(" -> ", dns.CnameChain)),
            ("addresses", string.Join(", ", dns.Addresses)));
        if (dns.Resolved)
        {
            return new CheckResult(Ids.DnsResolution, DnsGotcha, CheckStatus.Pass,
                $"{c.Fqdn} resolves to {string.Join(", ", dns.Addresses)} via {dns.Server}.", evidence, null);
        }

        if (!dns.Answered)
        {
            return new CheckResult(Ids.DnsResolution, DnsGotcha, CheckStatus.Fail,
                $"The DNS server {dns.Server} did not answer for {c.Fqdn}: {dns.Error}", evidence,
                "Check -DnsServer (or the VNet's DNS servers: custom DNS must forward privatelink.openai.azure.com to 168.63.129.16).");
        }

        var nxdomain = dns.ResponseCode.Equals("NotExistentDomain", StringComparison.OrdinalIgnoreCase);
        if (!nxdomain)
        {
            return new CheckResult(Ids.DnsResolution, DnsGotcha, CheckStatus.Fail,
                $"{c.Fqdn} returned no address ({dns.ResponseCode}) from {dns.Server}.", evidence, n.DnsFixCommands);
        }

        var (message, fix) = NxdomainCause(c, n);
        return new CheckResult(Ids.DnsResolution, DnsGotcha, CheckStatus.Fail, $"{c.Fqdn} does not exist according to {dns.Server} (NXDOMAIN): {message}", evidence, fix);
    }

    /// <summary>
    /// What an NXDOMAIN means depends on what ARM shows: without ARM data it is only "no such name here", and the
    /// message says which two causes remain; with ARM data it names the one that applies.
    /// </summary>
    private static (string Message, string Fix) NxdomainCause(PrivateEndpointCheckContext c, RemediationNames n)
    {
        var inv = c.Inventory;
        if (inv.Account is null)
        {
            return ("without ARM data the cause cannot be told apart: either no account has the subdomain "
                + $"'{n.RecordName}' (check -Endpoint), or a private zone {n.ZoneName} linked to this resolver's VNet has no A record {n.RecordName} "
                + "(an endpoint without a DNS zone group).",
                (c.Request.AccountResourceId is null
                    ? "Pass -AccountResourceId (and sign in, or -AccessToken) to tell which. "
                    : "The account could not be read (see the error record); grant Reader on it to tell which. ")
                + $"Find the account: az cognitiveservices account list --query \"[?properties.customSubDomainName=='{n.RecordName}'].id\"");
        }

        if (inv.PrivateEndpointId is null)
        {
            var subdomain = inv.Account.Str("properties", "customSubDomainName");
            return ($"the account has no private endpoint and its custom subdomain is '{subdomain}': -Endpoint names a host that does not exist.",
                $"Use https://{subdomain}.openai.azure.com/ as the endpoint.");
        }

        if (inv.ARecord is not null && inv.ZoneGroupZoneId is not null)
        {
            return ($"the zone {ArmIds.ResourceGroup(inv.ZoneId!)}/{n.ZoneName} holds the A record {n.RecordName}, yet this resolver answers NXDOMAIN: "
                + $"it serves a VNet linked to another zone named {n.ZoneName} (a duplicate) that lacks the record.",
                $"az network private-dns zone list --query \"[?name=='{n.ZoneName}'].id\"   # keep one zone; link every VNet to it and delete the other's links");
        }

        return ($"a private zone {n.ZoneName} linked to this resolver's VNet has no A record for {n.RecordName}, because the private endpoint {n.PeName} has no DNS zone group for it.",
            n.RepairFirst([n.ZoneGroupCreateCommand]));
    }

    /// <summary>The account was read and has no private endpoint at all: the private-DNS checks have nothing to judge.</summary>
    private static bool HasNoEndpoint(PrivateEndpointCheckContext c) =>
        c.Inventory.Account is not null && c.Inventory.PrivateEndpointCount == 0;

    private const string NoEndpointText = "The account has no private endpoint (see PrivateEndpoint.Connection)";

    private static CheckResult DnsPrivatelinkCname(PrivateEndpointCheckContext c, RemediationNames n)
    {
        var dns = c.Dns;
        if (dns.CnameChain.Count == 0 && !dns.Resolved)
        {
            return Skip(Ids.DnsPrivatelinkCname, DnsGotcha, "No DNS answer to inspect (see Dns.Resolution).");
        }

        var evidence = Ev(("cname", string.Join(" -> ", dns.CnameChain)));
        var expected = $"{n.RecordName}.{n.ZoneName}";
        if (HasNoEndpoint(c) && !dns.CnameChain.Any(name => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase)))
        {
            return Skip(Ids.DnsPrivatelinkCname, DnsGotcha, $"{NoEndpointText}, so public DNS has no privatelink CNAME for {c.Fqdn} to follow.");
        }

        if (dns.CnameChain.Any(name => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase)))
        {
            return new CheckResult(Ids.DnsPrivatelinkCname, DnsGotcha, CheckStatus.Pass,
                $"The answer goes through {expected}.", evidence, null);
        }

        return new CheckResult(Ids.DnsPrivatelinkCname, DnsGotcha, CheckStatus.Fail,
            $"The answer does not go through {expected}: something (a hosts file, a custom DNS record or conditional forwarder) answers {c.Fqdn} directly, so the private DNS zone is bypassed.",
            evidence,
            $"Remove the direct record for {c.Fqdn} and let the name resolve through Azure DNS (168.63.129.16), with the zone {n.ZoneName} linked to the VNet.");
    }

    private static CheckResult DnsPrivateIp(PrivateEndpointCheckContext c, RemediationNames n)
    {
        var dns = c.Dns;
        if (!dns.Resolved)
        {
            return Skip(Ids.DnsPrivateIp, DnsGotcha, "No address to compare (see Dns.Resolution).");
        }

        var address = dns.Addresses[0];
        var nicIp = c.Inventory.NicIp;
        var evidence = Ev(("resolved", string.Join(", ", dns.Addresses)), ("nicAddress", nicIp));
        var isPrivate = AddressRanges.IsPrivateOrLoopback(address);
        if (!isPrivate && HasNoEndpoint(c))
        {
            return Skip(Ids.DnsPrivateIp, DnsGotcha, $"{c.Fqdn} resolves to the public address {address}, the account's public endpoint. {NoEndpointText}, so there is no private address to resolve to yet.");
        }

        if (!isPrivate)
        {
            return new CheckResult(Ids.DnsPrivateIp, DnsGotcha, CheckStatus.Fail,
                $"{c.Fqdn} resolves to the public address {address}: traffic bypasses the private endpoint (or times out where public egress is blocked). The private DNS zone is missing or not linked to the VNet this resolver serves.",
                evidence, n.DnsFixCommands);
        }

        if (nicIp is null)
        {
            return new CheckResult(Ids.DnsPrivateIp, DnsGotcha, CheckStatus.Pass,
                $"{c.Fqdn} resolves to the private address {address} (not compared with the endpoint's NIC: no ARM data).", evidence, null);
        }

        if (dns.Addresses.Any(a => a.ToString() == nicIp))
        {
            return new CheckResult(Ids.DnsPrivateIp, DnsGotcha, CheckStatus.Pass,
                $"{c.Fqdn} resolves to {nicIp}, the private endpoint's NIC address.", evidence, null);
        }

        return new CheckResult(Ids.DnsPrivateIp, DnsGotcha, CheckStatus.Fail,
            $"{c.Fqdn} resolves to {address}, but the private endpoint's NIC has {nicIp}: the record is stale (endpoint recreated) or belongs to another endpoint.",
            evidence, n.ARecordFixCommand(address.ToString()));
    }

    private static CheckResult DnsZone(PrivateEndpointCheckContext c, RemediationNames n)
    {
        if (ArmSkipReason(c, "account", "privateEndpoint") is { } skip)
        {
            return Skip(Ids.DnsZone, DnsGotcha, skip);
        }

        if (c.Inventory.PrivateEndpointId is null)
        {
            return Skip(Ids.DnsZone, DnsGotcha, "The account has no private endpoint connection.");
        }

        var inv = c.Inventory;
        var groupZone = inv.ZoneGroupZoneId;
        var evidence = Ev(("zone", inv.ZoneId), ("zoneGroupZone", groupZone), ("searched", string.Join(", ", inv.ZoneCandidates)));
        if (groupZone is not null && !string.Equals(ArmIds.Name(groupZone), n.ZoneName, StringComparison.OrdinalIgnoreCase))
        {
            return new CheckResult(Ids.DnsZone, DnsGotcha, CheckStatus.Fail,
                $"The endpoint's zone group points to the zone '{ArmIds.Name(groupZone)}', but the name must be exactly {n.ZoneName}.",
                evidence, n.RepairFirst([n.ZoneCreateCommand, n.ZoneGroupCreateCommand]));
        }

        if (inv.Zone is null)
        {
            return new CheckResult(Ids.DnsZone, DnsGotcha, CheckStatus.Fail,
                $"No private DNS zone named {n.ZoneName} was found ({(inv.FailureText("zone") ?? "looked in " + string.Join(", ", inv.ZoneCandidates.Select(ArmIds.ResourceGroup).Distinct()))}).",
                evidence, n.RepairFirst([n.ZoneCreateCommand, .. n.RequiredVnets.Select(n.LinkCreateCommand), n.ZoneGroupCreateCommand]));
        }

        return new CheckResult(Ids.DnsZone, DnsGotcha, CheckStatus.Pass,
            $"The private DNS zone {n.ZoneName} exists in {ArmIds.ResourceGroup(inv.ZoneId!)}{(groupZone is null ? string.Empty : " and is the zone the endpoint's zone group uses")}.",
            evidence, null);
    }

    private static CheckResult DnsZoneLinks(PrivateEndpointCheckContext c, RemediationNames n)
    {
        if (ArmSkipReason(c, "account", "privateEndpoint", "links") is { } skip)
        {
            return Skip(Ids.DnsZoneLinks, DnsGotcha, skip);
        }

        if (c.Inventory.Zone is null)
        {
            return Skip(Ids.DnsZoneLinks, DnsGotcha, $"No zone {n.ZoneName} to inspect (see Dns.Zone).");
        }

        var linked = c.Inventory.Links
            .Select(l => ((JsonElement?)l))
            .Select(l => (Vnet: l.Str("properties", "virtualNetwork", "id"), Name: l.Str("name"), State: l.Str("properties", "virtualNetworkLinkState")))
            .Where(l => l.Vnet is not null)
            .ToList();
        var required = n.RequiredVnets;
        var missing = required.Where(v => !linked.Any(l => ArmIds.SameId(l.Vnet, v.Id))).ToList();
        var evidence = Ev(
            ("linked", string.Join(", ", linked.Select(l => $"{ArmIds.Name(l.Vnet!)} ({l.Name}, {l.State})"))),
            ("required", string.Join(", ", required.Select(r => $"{r.Name} ({r.Role})"))),
            ("missing", string.Join(", ", missing.Select(m => m.Name))));
        if (missing.Count > 0)
        {
            return new CheckResult(Ids.DnsZoneLinks, DnsGotcha, CheckStatus.Fail,
                $"The zone {n.ZoneName} is not linked to {string.Join(", ", missing.Select(m => $"{m.Name} ({m.Role})"))}: names resolve to the public IP from there. Link every VNet that needs access, hub AND spoke.",
                evidence, n.RepairFirst(missing.Select(n.LinkCreateCommand)));
        }

        var pending = linked.Where(l => l.State is not null && l.State != "Completed").ToList();
        if (pending.Count > 0)
        {
            return new CheckResult(Ids.DnsZoneLinks, DnsGotcha, CheckStatus.Warn,
                $"Links not completed yet: {string.Join(", ", pending.Select(p => $"{p.Name} ({p.State})"))}.", evidence, null);
        }

        return new CheckResult(Ids.DnsZoneLinks, DnsGotcha, CheckStatus.Pass,
            required.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"The zone has {linked.Count} link(s); no VNet was known to require one (pass -VirtualNetworkId or -AppServiceResourceId).")
                : $"The zone is linked to every VNet that needs it: {string.Join(", ", required.Select(r => r.Name))}.",
            evidence, null);
    }

    private static CheckResult DnsZoneGroup(PrivateEndpointCheckContext c, RemediationNames n)
    {
        if (ArmSkipReason(c, "account", "privateEndpoint", "zoneGroups") is { } skip)
        {
            return Skip(Ids.DnsZoneGroup, DnsGotcha, skip);
        }

        if (c.Inventory.PrivateEndpointId is null)
        {
            return Skip(Ids.DnsZoneGroup, DnsGotcha, "The account has no private endpoint connection.");
        }

        var groupZone = c.Inventory.ZoneGroupZoneId;
        var evidence = Ev(("zoneGroups", string.Join(", ", c.Inventory.ZoneGroups.Select(g => ((JsonElement?)g).Str("name")))), ("zone", groupZone));
        if (groupZone is not null && string.Equals(ArmIds.Name(groupZone), n.ZoneName, StringComparison.OrdinalIgnoreCase))
        {
            return new CheckResult(Ids.DnsZoneGroup, DnsGotcha, CheckStatus.Pass,
                $"The private endpoint {n.PeName} has a DNS zone group for {n.ZoneName}.", evidence, null);
        }

        return new CheckResult(Ids.DnsZoneGroup, DnsGotcha, CheckStatus.Fail,
            $"The private endpoint {n.PeName} has no DNS zone group for {n.ZoneName}, so no A record is kept for {n.RecordName} (and it is not updated when the endpoint's IP changes).",
            evidence, n.RepairFirst([n.ZoneGroupCreateCommand]));
    }

    private static CheckResult DnsARecord(PrivateEndpointCheckContext c, RemediationNames n)
    {
        if (ArmSkipReason(c, "account", "privateEndpoint", "aRecord") is { } skip)
        {
            return Skip(Ids.DnsARecord, DnsGotcha, skip);
        }

        if (c.Inventory.Zone is null)
        {
            return Skip(Ids.DnsARecord, DnsGotcha, $"No zone {n.ZoneName} to inspect (see Dns.Zone).");
        }

        var record = c.Inventory.ARecord;
        var nicIp = c.Inventory.NicIp;
        var addresses = record.Arr("properties", "aRecords").Select(a => ((JsonElement?)a).Str("ipv4Address")).Where(a => a is not null).ToList();
        var evidence = Ev(("record", $"{n.RecordName}.{n.ZoneName}"), ("recordAddresses", string.Join(", ", addresses)), ("nicAddress", nicIp));
        if (record is null)
        {
            return new CheckResult(Ids.DnsARecord, DnsGotcha, CheckStatus.Fail,
                $"The zone has no A record {n.RecordName}: {c.Fqdn} gets NXDOMAIN inside linked VNets.",
                evidence, n.RepairFirst([n.ZoneGroupCreateCommand]));
        }

        if (nicIp is null)
        {
            return new CheckResult(Ids.DnsARecord, DnsGotcha, CheckStatus.Warn,
                $"The A record holds {string.Join(", ", addresses)}; the endpoint's NIC address could not be read to compare.", evidence, null);
        }

        if (addresses.Count == 1 && addresses[0] == nicIp)
        {
            return new CheckResult(Ids.DnsARecord, DnsGotcha, CheckStatus.Pass,
                $"The A record {n.RecordName} holds {nicIp}, the endpoint's NIC address.", evidence, null);
        }

        var stale = addresses.FirstOrDefault(a => a != nicIp) ?? string.Empty;
        return new CheckResult(Ids.DnsARecord, DnsGotcha, CheckStatus.Fail,
            $"The A record {n.RecordName} holds {string.Join(", ", addresses)} but the endpoint's NIC has {nicIp}: the record is stale (the endpoint was recreated).",
            evidence, n.ARecordFixCommand(stale));
    }

    private static CheckResult Connection(PrivateEndpointCheckContext c)
    {
        if (ArmSkipReason(c, "account") is { } skip)
        {
            return Skip(Ids.PrivateEndpointConnection, null, skip);
        }

        var inv = c.Inventory;
        if (inv.PrivateEndpointId is null)
        {
            return new CheckResult(Ids.PrivateEndpointConnection, null, CheckStatus.Fail,
                "The account has no private endpoint connection at all.",
                Ev(("account", c.Request.AccountResourceId), ("publicNetworkAccess", inv.Account.Str("properties", "publicNetworkAccess"))),
                new RemediationNames(c).PrivateEndpointCreateCommand);
        }

        // The endpoint's own view wins when it is readable: it is what the NIC traffic is subject to.
        var peConnection = inv.PrivateEndpoint.Arr("properties", "privateLinkServiceConnections")
            .Concat(inv.PrivateEndpoint.Arr("properties", "manualPrivateLinkServiceConnections"))
            .Select(x => (JsonElement?)x)
            .FirstOrDefault(x => ArmIds.SameId(x.Str("properties", "privateLinkServiceId"), c.Request.AccountResourceId));
        var status = peConnection.Str("properties", "privateLinkServiceConnectionState", "status") ?? inv.AccountConnectionStatus ?? "Unknown";
        var description = peConnection.Str("properties", "privateLinkServiceConnectionState", "description");
        var evidence = Ev(("privateEndpoint", inv.PrivateEndpointId), ("status", status), ("description", description),
            ("connections", inv.PrivateEndpointCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (status == "Approved")
        {
            return new CheckResult(Ids.PrivateEndpointConnection, null, CheckStatus.Pass,
                $"The private-link connection from {ArmIds.Name(inv.PrivateEndpointId)} is Approved.", evidence, null);
        }

        return new CheckResult(Ids.PrivateEndpointConnection, null, CheckStatus.Fail,
            $"The private-link connection from {ArmIds.Name(inv.PrivateEndpointId)} is {status}{(description is null ? string.Empty : $" ('{description}')")}: traffic through the endpoint is dropped until it is Approved.",
            evidence,
            $"az network private-endpoint-connection approve --id {inv.AccountConnectionId ?? c.Request.AccountResourceId + "/privateEndpointConnections/<name>"} --description \"Approved\"");
    }

    private static CheckResult AccountNetwork(PrivateEndpointCheckContext c)
    {
        if (ArmSkipReason(c, "account") is { } skip)
        {
            return Skip(Ids.AccountNetwork, null, skip);
        }

        var account = c.Inventory.Account;
        var accountId = c.Request.AccountResourceId!;
        var subdomain = account.Str("properties", "customSubDomainName");
        var publicAccess = account.Str("properties", "publicNetworkAccess") ?? "Enabled";
        var defaultAction = account.Str("properties", "networkAcls", "defaultAction") ?? "Allow";
        var ipRules = account.Arr("properties", "networkAcls", "ipRules").Count;
        var vnetRules = account.Arr("properties", "networkAcls", "virtualNetworkRules").Count;
        var evidence = Ev(("customSubDomainName", subdomain), ("publicNetworkAccess", publicAccess), ("networkAcls.defaultAction", defaultAction),
            ("ipRules", ipRules.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("virtualNetworkRules", vnetRules.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("endpoint", account.Str("properties", "endpoint")));
        var rg = ArmIds.ResourceGroup(accountId);
        var name = ArmIds.Name(accountId);
        if (string.IsNullOrEmpty(subdomain))
        {
            return new CheckResult(Ids.AccountNetwork, null, CheckStatus.Fail,
                $"The account {name} has no custom subdomain: private endpoints and Entra ID tokens need https://<subdomain>.openai.azure.com.",
                evidence, $"az cognitiveservices account update --resource-group {rg} --name {name} --custom-domain {name}");
        }

        var host = c.Fqdn.Split('.')[0];
        if (!string.Equals(subdomain, host, StringComparison.OrdinalIgnoreCase))
        {
            return new CheckResult(Ids.AccountNetwork, null, CheckStatus.Fail,
                $"-Endpoint names '{host}' but the account's subdomain is '{subdomain}': the endpoint belongs to a different resource.",
                evidence, $"Use https://{subdomain}.openai.azure.com/ as the endpoint.");
        }

        if (!string.Equals(publicAccess, "Disabled", StringComparison.OrdinalIgnoreCase) && c.Inventory.PrivateEndpointId is not null)
        {
            return new CheckResult(Ids.AccountNetwork, null, CheckStatus.Warn,
                $"Public network access is {publicAccess} (default action {defaultAction}) while a private endpoint exists: when DNS is wrong, traffic silently goes over the public endpoint instead of failing.",
                evidence, $"az resource update --ids {accountId} --set properties.publicNetworkAccess=Disabled");
        }

        return new CheckResult(Ids.AccountNetwork, null, CheckStatus.Pass,
            $"Custom subdomain {subdomain} is set; public network access is {publicAccess}.", evidence, null);
    }

    private static CheckResult RouteAll(PrivateEndpointCheckContext c)
    {
        if (c.Request.AppServiceResourceId is null)
        {
            return Skip(Ids.AppServiceRouteAll, RoutingGotcha, "No -AppServiceResourceId: gotcha 2 applies to App Service VNet integration only.");
        }

        if (c.Request.Arm is null || c.Inventory.FailureText("site") is not null)
        {
            return Skip(Ids.AppServiceRouteAll, RoutingGotcha, "Could not read the App Service: " + (c.Inventory.FailureText("site") ?? "no ARM access"));
        }

        var site = c.Inventory.Site;
        var appId = c.Request.AppServiceResourceId;
        var rg = ArmIds.ResourceGroup(appId);
        var name = ArmIds.Name(appId);
        var subnet = site.Str("properties", "virtualNetworkSubnetId");
        var siteFlag = site.Bool("properties", "vnetRouteAllEnabled");
        // Newer api-versions moved the flag: outboundVnetRouting.applicationTraffic is the old vnetRouteAllEnabled, allTraffic enables everything.
        var outboundAll = site.Bool("properties", "outboundVnetRouting", "allTraffic");
        var outboundApp = site.Bool("properties", "outboundVnetRouting", "applicationTraffic");
        var configFlag = c.Inventory.SiteConfig.Bool("properties", "vnetRouteAllEnabled");
        var evidence = Ev(("virtualNetworkSubnetId", subnet), ("vnetRouteAllEnabled", (siteFlag ?? configFlag)?.ToString()),
            ("config/web.vnetRouteAllEnabled", configFlag?.ToString()), ("outboundVnetRouting.allTraffic", outboundAll?.ToString()), ("outboundVnetRouting.applicationTraffic", outboundApp?.ToString()));
        if (subnet is null)
        {
            return new CheckResult(Ids.AppServiceRouteAll, RoutingGotcha, CheckStatus.Fail,
                $"The App Service {name} is not VNet-integrated: it cannot reach the private endpoint at all.",
                evidence, $"az webapp vnet-integration add --subscription {ArmIds.Subscription(appId)} --resource-group {rg} --name {name} --vnet <spoke-vnet-id> --subnet <integration-subnet>");
        }

        if (siteFlag == true || outboundAll == true || outboundApp == true || configFlag == true)
        {
            return new CheckResult(Ids.AppServiceRouteAll, RoutingGotcha, CheckStatus.Pass,
                $"{name} is integrated with {ArmIds.Name(ArmIds.Parent(subnet))}/{ArmIds.Name(subnet)} and routes all outbound traffic through the VNet.", evidence, null);
        }

        return new CheckResult(Ids.AppServiceRouteAll, RoutingGotcha, CheckStatus.Fail,
            $"{name} is VNet-integrated but routes only private ranges through the VNet (vnetRouteAllEnabled is false): calls to Azure OpenAI can take the app's own path and time out.",
            evidence, $"az webapp config set --subscription {ArmIds.Subscription(appId)} --resource-group {rg} --name {name} --generic-configurations '{{\"vnetRouteAllEnabled\": true}}'");
    }

    private static CheckResult NetworkPolicies(PrivateEndpointCheckContext c, RemediationNames n, out bool inboundNsgApplies)
    {
        inboundNsgApplies = false;
        if (ArmSkipReason(c, "account", "privateEndpoint", "peSubnet") is { } skip)
        {
            return Skip(Ids.SubnetNetworkPolicies, NsgGotcha, skip);
        }

        if (c.Inventory.PrivateEndpointId is null)
        {
            return Skip(Ids.SubnetNetworkPolicies, NsgGotcha, NoEndpointText + ".");
        }

        var subnet = c.Inventory.PeSubnet;
        if (subnet is null)
        {
            return Skip(Ids.SubnetNetworkPolicies, NsgGotcha, "The private endpoint's subnet could not be read.");
        }

        var policies = subnet.Str("properties", "privateEndpointNetworkPolicies") ?? "Disabled";
        var nsgId = subnet.Str("properties", "networkSecurityGroup", "id");
        var evidence = Ev(("subnet", n.PeSubnetDisplay), ("privateEndpointNetworkPolicies", policies), ("nsg", nsgId is null ? "(none)" : ArmIds.Name(nsgId)));
        inboundNsgApplies = nsgId is not null && policies is "Enabled" or "NetworkSecurityGroupEnabled";
        if (!inboundNsgApplies)
        {
            return new CheckResult(Ids.SubnetNetworkPolicies, NsgGotcha, CheckStatus.Pass,
                nsgId is null
                    ? $"privateEndpointNetworkPolicies is {policies} and the subnet has no NSG: no NSG filters traffic to the endpoint."
                    : $"privateEndpointNetworkPolicies is {policies}: the subnet's NSG does not apply to the private endpoint.",
                evidence, null);
        }

        var verdict = EvaluateInbound(c, n);
        if (verdict is { Allowed: false })
        {
            return new CheckResult(Ids.SubnetNetworkPolicies, NsgGotcha, CheckStatus.Fail,
                $"privateEndpointNetworkPolicies is {policies}, so the NSG {ArmIds.Name(nsgId!)} applies to the private endpoint, and it blocks 443 (see Nsg.Allow443).",
                evidence, n.DisablePoliciesCommand);
        }

        return new CheckResult(Ids.SubnetNetworkPolicies, NsgGotcha, CheckStatus.Warn,
            $"privateEndpointNetworkPolicies is {policies}: the NSG {ArmIds.Name(nsgId!)} applies to the private endpoint. It allows 443 today; any future deny rule will break the app.",
            evidence, n.DisablePoliciesCommand);
    }

    private static NsgVerdict? EvaluateInbound(PrivateEndpointCheckContext c, RemediationNames n)
    {
        if (c.Inventory.PeNsg is not { } nsg || n.PeAddress is null || n.SourceAddress is null)
        {
            return null;
        }

        var flow = new NsgFlow(n.SourceAddress, n.PeAddress, 443, "Tcp", VnetSpace(c.Inventory.PeVnet))
        {
            SourceApplicationSecurityGroups = AppAsgs(c),
            DestinationApplicationSecurityGroups = EndpointAsgs(c),
        };
        return NsgEvaluator.Evaluate(NsgRule.FromNsg(nsg), NsgDirection.Inbound, flow);
    }

    private static CheckResult Nsg(PrivateEndpointCheckContext c, RemediationNames n, bool inboundApplies)
    {
        if (ArmSkipReason(c, "account", "privateEndpoint", "peSubnet") is { } skip)
        {
            return Skip(Ids.NsgAllow443, NsgGotcha, skip);
        }

        if (c.Inventory.PrivateEndpointId is null)
        {
            return Skip(Ids.NsgAllow443, NsgGotcha, NoEndpointText + ".");
        }

        if (n.PeAddress is null)
        {
            return Skip(Ids.NsgAllow443, NsgGotcha, "The private endpoint's address is unknown (NIC not readable).");
        }

        var evidence = new List<KeyValuePair<string, string>>();
        var decisions = new List<string>();
        var notes = new List<string>();
        evidence.AddRange(Ev(("flow", $"TCP {n.SourceDisplay} -> {n.PeAddress}:443")));

        if (inboundApplies)
        {
            if (c.Inventory.FailureText("peNsg") is { } failure)
            {
                return Skip(Ids.NsgAllow443, NsgGotcha, "Could not read the endpoint subnet's NSG: " + failure);
            }

            if (EvaluateInbound(c, n) is not { } inbound)
            {
                return Skip(Ids.NsgAllow443, NsgGotcha, "The endpoint subnet's NSG or the client address range could not be read, so the rules were not evaluated.");
            }

            notes.AddRange(inbound.Notes);
            evidence.Add(new("inbound", inbound.DecidingRule.Describe()));
            if (!inbound.Allowed)
            {
                return new CheckResult(Ids.NsgAllow443, NsgGotcha, CheckStatus.Fail,
                    $"Inbound TCP 443 from {n.SourceDisplay} to {n.PeAddress} is denied by {inbound.DecidingRule.Describe()}.",
                    evidence, n.NsgAllowCommand(inbound.DecidingRule, NsgDirection.Inbound));
            }

            decisions.Add($"inbound allowed by {inbound.DecidingRule.Describe()}");
        }
        else
        {
            decisions.Add("no inbound NSG applies to the endpoint");
        }

        if (c.Inventory.AppNsg is { } appNsg && n.SourceAddress is not null)
        {
            var flow = new NsgFlow(n.SourceAddress, n.PeAddress, 443, "Tcp", VnetSpace(c.Inventory.AppVnet))
            {
                SourceApplicationSecurityGroups = AppAsgs(c),
                DestinationApplicationSecurityGroups = EndpointAsgs(c),
            };
            var outbound = NsgEvaluator.Evaluate(NsgRule.FromNsg(appNsg), NsgDirection.Outbound, flow);
            notes.AddRange(outbound.Notes);
            evidence.Add(new("outbound", outbound.DecidingRule.Describe()));
            if (!outbound.Allowed)
            {
                return new CheckResult(Ids.NsgAllow443, NsgGotcha, CheckStatus.Fail,
                    $"Outbound TCP 443 from the app subnet {n.SourceDisplay} to {n.PeAddress} is denied by {outbound.DecidingRule.Describe()}.",
                    evidence, n.NsgAllowCommand(outbound.DecidingRule, NsgDirection.Outbound));
            }

            decisions.Add($"outbound allowed by {outbound.DecidingRule.Describe()}");
        }
        else if (c.Request.AppServiceResourceId is null)
        {
            decisions.Add("the app subnet's outbound NSG was not evaluated (no -AppServiceResourceId)");
        }

        // Rules the evaluator could not judge (application security groups, other service tags) make the verdict uncertain.
        if (notes.Count > 0)
        {
            evidence.Add(new("notes", string.Join(" | ", notes)));
            return new CheckResult(Ids.NsgAllow443, NsgGotcha, CheckStatus.Warn,
                string.Create(CultureInfo.InvariantCulture, $"TCP 443 to {n.PeAddress}: {string.Join("; ", decisions)}; but {notes.Count} rule(s) could not be evaluated (see Evidence)."),
                evidence, $"az network nsg rule list --ids {string.Join(" ", new[] { c.Inventory.PeSubnet.Str("properties", "networkSecurityGroup", "id"), c.Inventory.AppSubnet.Str("properties", "networkSecurityGroup", "id") }.Where(i => i is not null))} --output table");
        }

        return new CheckResult(Ids.NsgAllow443, NsgGotcha, CheckStatus.Pass,
            $"TCP 443 to {n.PeAddress}: {string.Join("; ", decisions)}.", evidence, null);
    }

    /// <summary>
    /// App Service VNet integration has no NIC in the customer's VNet, so the app belongs to no ASG (known: empty);
    /// without the app, the source is only a VNet range and its membership is unknown.
    /// </summary>
    private static IReadOnlySet<string>? AppAsgs(PrivateEndpointCheckContext c) =>
        c.Inventory.AppSubnet is null ? null : new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The endpoint's ASGs: those on the private endpoint and on its NIC's IP configurations (null when neither was read).</summary>
    private static IReadOnlySet<string>? EndpointAsgs(PrivateEndpointCheckContext c)
    {
        if (c.Inventory.PrivateEndpoint is null && c.Inventory.Nic is null)
        {
            return null;
        }

        return c.Inventory.PrivateEndpoint.Arr("properties", "applicationSecurityGroups").Select(a => ((JsonElement?)a).Str("id"))
            .Concat(c.Inventory.Nic.Arr("properties", "ipConfigurations").SelectMany(ip => ((JsonElement?)ip).Arr("properties", "applicationSecurityGroups")).Select(a => ((JsonElement?)a).Str("id")))
            .Where(i => i is not null).Select(i => i!).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>What the VirtualNetwork service tag covers for a VNet: its own space plus every peered VNet's.</summary>
    internal static IReadOnlyList<IPNetwork> VnetSpace(JsonElement? vnet)
    {
        var prefixes = vnet.Arr("properties", "addressSpace", "addressPrefixes").Select(p => p.GetString())
            .Concat(vnet.Arr("properties", "virtualNetworkPeerings")
                .SelectMany(p => ((JsonElement?)p).Arr("properties", "remoteAddressSpace", "addressPrefixes")).Select(p => p.GetString()));
        var networks = new List<IPNetwork>();
        foreach (var prefix in prefixes)
        {
            if (prefix is not null && NsgEvaluator.TryParsePrefix(prefix, out var network))
            {
                networks.Add(network);
            }
        }

        return networks;
    }

    private static CheckResult Tls(PrivateEndpointCheckContext c, TlsProbeResult? tls)
    {
        var (allowed, address, reason) = PrivateEndpointDiagnostics.ConnectDecision(c.Dns, c.Inventory.NicIp);
        if (!allowed || tls is null)
        {
            return Skip(Ids.TlsHandshake, null, $"Not attempted: {reason}.");
        }

        var evidence = Ev(("address", string.Create(CultureInfo.InvariantCulture, $"{address}:{c.Request.Port}")), ("sni", c.Fqdn), ("connectMs", tls.ConnectTime.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),
            ("handshakeMs", tls.HandshakeTime.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)), ("protocol", tls.TlsProtocol),
            ("subject", tls.CertificateSubject), ("san", string.Join(", ", tls.SubjectAlternativeNames)), ("policyErrors", tls.PolicyErrors));
        if (!tls.Connected)
        {
            return new CheckResult(Ids.TlsHandshake, NsgGotcha, CheckStatus.Fail,
                $"{tls.Error} DNS is right but the path is not: check the NSGs and subnet network policies (Nsg.Allow443, Subnet.NetworkPolicies) and routes from where this runs.",
                evidence, CurlCommand(c, address));
        }

        if (!tls.HandshakeCompleted)
        {
            return new CheckResult(Ids.TlsHandshake, null, CheckStatus.Fail,
                $"{tls.Error} Something between here and the endpoint (a firewall doing TLS inspection, a proxy) interferes.",
                evidence, CurlCommand(c, address));
        }

        if (!tls.CertificateNamesHost)
        {
            return new CheckResult(Ids.TlsHandshake, SdkGotcha, CheckStatus.Fail,
                $"The certificate at {address} ({tls.CertificateSubject}) does not name {c.Fqdn}: this is not the account's endpoint, or TLS is intercepted.",
                evidence, $"Connect with the FQDN https://{c.Fqdn}/ and make sure {address} is the private endpoint of this account.");
        }

        // -SkipCertificateCheck is about the ARM connection only; the endpoint's chain is always reported.
        var untrusted = tls.PolicyErrors is not null;
        return new CheckResult(Ids.TlsHandshake, null, untrusted ? CheckStatus.Warn : CheckStatus.Pass,
            string.Create(CultureInfo.InvariantCulture, $"TLS {tls.TlsProtocol} handshake with {address}:{c.Request.Port} in {tls.HandshakeTime.TotalMilliseconds:0} ms; the certificate names {c.Fqdn}")
            + (untrusted ? $", but the chain is not trusted here ({tls.PolicyErrors})." : "."),
            evidence, null);
    }

    /// <summary>curl with the same address and port the probe used: the URL carries the port so --resolve applies.</summary>
    private static string CurlCommand(PrivateEndpointCheckContext c, IPAddress? address)
    {
        var port = c.Request.Port;
        var url = port == 443 ? $"https://{c.Fqdn}/" : string.Create(CultureInfo.InvariantCulture, $"https://{c.Fqdn}:{port}/");
        return string.Create(CultureInfo.InvariantCulture, $"curl -v {url} --resolve {c.Fqdn}:{port}:{address}");
    }

    private static CheckResult Sdk(PrivateEndpointCheckContext c, RemediationNames n)
    {
        c.Request.Environment.TryGetValue("AZURE_OPENAI_ENDPOINT", out var endpoint);
        c.Request.Environment.TryGetValue("OPENAI_API_BASE", out var apiBase);
        var evidence = Ev(("AZURE_OPENAI_ENDPOINT", endpoint), ("OPENAI_API_BASE", apiBase));
        if (string.IsNullOrWhiteSpace(endpoint) && string.IsNullOrWhiteSpace(apiBase))
        {
            return c.Inventory.AppSettings is { Denied: null, Scopes.Count: > 0 }
                ? new CheckResult(Ids.SdkEndpoint, SdkGotcha, CheckStatus.Skipped,
                    "Neither AZURE_OPENAI_ENDPOINT nor OPENAI_API_BASE is set in this session; the app's own settings are judged by AppService.Settings.", evidence, null)
                : new CheckResult(Ids.SdkEndpoint, SdkGotcha, CheckStatus.Skipped,
                    "Neither AZURE_OPENAI_ENDPOINT nor OPENAI_API_BASE is set in this session; pass -AppServiceResourceId to judge the app's own settings (AppService.Settings).", evidence, n.AppSettingsListCommand);
        }

        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            problems.AddRange(EndpointProblems("AZURE_OPENAI_ENDPOINT", endpoint!, c.Fqdn));
        }

        var apiBaseHarmless = false;
        if (!string.IsNullOrWhiteSpace(apiBase))
        {
            var other = EndpointProblems("OPENAI_API_BASE", apiBase!, c.Fqdn).ToList();
            problems.AddRange(other);
            apiBaseHarmless = other.Count == 0;
        }

        if (problems.Count == 0 && apiBaseHarmless)
        {
            return new CheckResult(Ids.SdkEndpoint, SdkGotcha, CheckStatus.Warn,
                $"OPENAI_API_BASE is set ({apiBase}); it names the right FQDN, but the Azure SDK does not need it and some clients prefer it over AZURE_OPENAI_ENDPOINT.",
                evidence, n.SdkFixCommand(removeApiBase: true));
        }

        if (problems.Count == 0)
        {
            return new CheckResult(Ids.SdkEndpoint, SdkGotcha, CheckStatus.Pass,
                $"AZURE_OPENAI_ENDPOINT is https://{c.Fqdn}/, the FQDN the private DNS zone covers, and OPENAI_API_BASE is not set.", evidence, null);
        }

        return new CheckResult(Ids.SdkEndpoint, SdkGotcha, CheckStatus.Fail, string.Join("; ", problems) + ".", evidence, n.SdkFixCommand(apiBase is not null));
    }

    private static IEnumerable<string> EndpointProblems(string variable, string value, string fqdn)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri))
        {
            yield return $"{variable} '{value}' is not a URL";
            yield break;
        }

        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            yield return $"{variable} uses the IP address {uri.Host}: TLS fails (the certificate names {fqdn}) and the private DNS zone is bypassed";
            yield break;
        }

        if (!string.Equals(uri.Host, fqdn, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{variable} points at {uri.Host}, not {fqdn}: a different resource or a public URL that bypasses this private endpoint";
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            yield return $"{variable} uses {uri.Scheme}://; Azure OpenAI accepts https only";
        }
    }
}
