using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics.Networking;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>
/// The user's own names (resource groups, endpoint, zone, VNets, NSGs) resolved once, and the exact az commands
/// built from them, so every Remediation can be pasted as is.
/// </summary>
internal sealed class RemediationNames
{
    private readonly PrivateEndpointCheckContext _context;

    public RemediationNames(PrivateEndpointCheckContext context)
    {
        _context = context;
        var inv = context.Inventory;
        ZoneName = PrivateEndpointChecks.ZoneNameFor(context.Fqdn);
        RecordName = context.Fqdn.Split('.')[0];
        PeId = inv.PrivateEndpointId;
        PeName = PeId is null ? "<private-endpoint>" : ArmIds.Name(PeId);
        var zoneHome = inv.ZoneId
            ?? inv.ZoneGroupZoneId
            ?? (inv.PeSubnetId is not null ? ZoneIdBeside(ArmIds.Parent(inv.PeSubnetId)) : PeId is not null ? ZoneIdBeside(PeId) : null);
        ZoneId = zoneHome ?? $"/subscriptions/<subscription>/resourceGroups/<rg-networking>/providers/Microsoft.Network/privateDnsZones/{ZoneName}";
        PeAddress = inv.NicIp is not null && IPAddress.TryParse(inv.NicIp, out var ip) ? ip : null;

        var required = new List<(string Id, string Name, string Role)>();
        void Require(string? id, string role)
        {
            if (id is not null && !required.Any(r => ArmIds.SameId(r.Id, id)))
            {
                required.Add((id, ArmIds.Name(id), role));
            }
        }

        Require(inv.PeSubnetId is null ? null : ArmIds.Parent(inv.PeSubnetId), "the endpoint's VNet");
        Require(inv.AppSubnetId is null ? null : ArmIds.Parent(inv.AppSubnetId), "the app's VNet");
        foreach (var vnet in context.Request.VirtualNetworkIds)
        {
            Require(vnet, "requested with -VirtualNetworkId");
        }

        RequiredVnets = required;

        var appPrefix = inv.AppSubnet.Str("properties", "addressPrefix")
            ?? inv.AppSubnet.Arr("properties", "addressPrefixes").Select(p => p.GetString()).FirstOrDefault();
        if (appPrefix is not null && NsgEvaluator.TryParsePrefix(appPrefix, out var appNetwork))
        {
            SourcePrefix = appPrefix;
            SourceAddress = AddressRanges.FirstUsable(appNetwork);
            SourceDisplay = $"{appPrefix} ({ArmIds.Name(inv.AppSubnetId!)})";
        }
        else
        {
            // Unknown client subnet: judge a flow from inside the endpoint's own VNet address space.
            var space = PrivateEndpointChecks.VnetSpace(inv.PeVnet);
            if (space.Count > 0)
            {
                SourcePrefix = space[0].ToString();
                SourceAddress = AddressRanges.FirstUsable(space[0]);
                SourceDisplay = $"{SourcePrefix} (the endpoint's VNet; app subnet unknown)";
            }
        }
    }

    public string ZoneName { get; }
    public string RecordName { get; }
    public string? PeId { get; }
    public string PeName { get; }
    public string ZoneId { get; }
    public IPAddress? PeAddress { get; }
    public IPAddress? SourceAddress { get; }
    public string? SourcePrefix { get; }
    public string SourceDisplay { get; } = "<app subnet>";
    public IReadOnlyList<(string Id, string Name, string Role)> RequiredVnets { get; }

    private string ZoneSub => ZoneId.StartsWith("/subscriptions/<", StringComparison.Ordinal) ? "<subscription>" : ArmIds.Subscription(ZoneId);
    private string ZoneRg => ZoneId.StartsWith("/subscriptions/<", StringComparison.Ordinal) ? "<rg-networking>" : ArmIds.ResourceGroup(ZoneId);

    public string PeSubnetDisplay => _context.Inventory.PeSubnetId is { } s ? $"{ArmIds.Name(ArmIds.Parent(s))}/{ArmIds.Name(s)}" : "<pe-subnet>";

    public string ZoneCreateCommand =>
        $"az network private-dns zone create --subscription {ZoneSub} --resource-group {ZoneRg} --name {ZoneName}";

    public string LinkCreateCommand((string Id, string Name, string Role) vnet) =>
        $"az network private-dns link vnet create --subscription {ZoneSub} --resource-group {ZoneRg} --zone-name {ZoneName} "
        + $"--name link-{vnet.Name} --virtual-network {vnet.Id} --registration-enabled false";

    public string ZoneGroupCreateCommand => PeId is null
        ? $"az network private-endpoint dns-zone-group create --resource-group <rg> --endpoint-name <private-endpoint> --name default --private-dns-zone {ZoneId} --zone-name {ZoneName.Replace('.', '-')}"
        : $"az network private-endpoint dns-zone-group create --subscription {ArmIds.Subscription(PeId)} --resource-group {ArmIds.ResourceGroup(PeId)} "
          + $"--endpoint-name {PeName} --name default --private-dns-zone {ZoneId} --zone-name {ZoneName.Replace('.', '-')}";

    /// <summary>Repair-KtDnsZoneLink with the endpoint, the VNets that must be linked and, when the zone does not exist yet, where to create it.</summary>
    public string RepairCommand(bool fixStaleRecord = false, IReadOnlyList<string>? extraVnets = null) =>
        $"Repair-KtDnsZoneLink -PrivateEndpointId '{PeId ?? "<private-endpoint-id>"}' -VirtualNetworkId {VnetList(extraVnets)}"
        + (_context.Inventory.ZoneId is null && !ZoneId.StartsWith("/subscriptions/<", StringComparison.Ordinal)
            ? $" -ZoneResourceGroupId '/subscriptions/{ZoneSub}/resourceGroups/{ZoneRg}'"
            : string.Empty)
        + (fixStaleRecord ? " -FixStaleRecord" : string.Empty)
        + " -WhatIf";

    /// <summary>
    /// The cmdlet first (preview with -WhatIf, then run it without), the az commands after it for those who prefer them;
    /// only the az commands when no private endpoint is known (the cmdlet needs its id).
    /// </summary>
    private string VnetList(IReadOnlyList<string>? extraVnets)
    {
        var ids = RequiredVnets.Select(v => v.Id).Concat(extraVnets ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return ids.Count == 0 ? "'<vnet-id>'" : string.Join(",", ids.Select(v => $"'{v}'"));
    }

    public string RepairFirst(IEnumerable<string> azCommands, bool fixStaleRecord = false, IReadOnlyList<string>? extraVnets = null)
    {
        var az = azCommands.ToList();
        if (PeId is null)
        {
            return string.Join(Environment.NewLine, az);
        }

        return string.Join(Environment.NewLine,
            new[] { RepairCommand(fixStaleRecord, extraVnets) + "   # preview; run again without -WhatIf to apply", "# or with az:" }.Concat(az));
    }

    /// <summary>Everything DNS needs, in order: the zone if missing, missing links, the zone group if missing (Repair-KtDnsZoneLink first).</summary>
    public string DnsFixCommands
    {
        get
        {
            var inv = _context.Inventory;
            if (PeId is null)
            {
                if (_context.Request.AccountResourceId is null)
                {
                    return "Run from inside a VNet linked to the private DNS zone, or make custom DNS forward "
                        + $"{ZoneName} to 168.63.129.16; pass -AccountResourceId to see which link is missing.";
                }

                return inv.Account is not null && inv.PrivateEndpointCount == 0
                    ? PrivateEndpointCreateCommand
                    : $"The account could not be read (see the error record): grant Reader on {_context.Request.AccountResourceId} and run again to see which link is missing.";
            }

            var commands = new List<string>();
            if (inv.Zone is null)
            {
                commands.Add(ZoneCreateCommand);
            }

            var linked = inv.Links.Select(l => ((JsonElement?)l).Str("properties", "virtualNetwork", "id")).ToList();
            commands.AddRange(RequiredVnets.Where(v => !linked.Any(l => ArmIds.SameId(l, v.Id))).Select(LinkCreateCommand));
            var groupZone = inv.ZoneGroupZoneId;
            if (groupZone is null || !string.Equals(ArmIds.Name(groupZone), ZoneName, StringComparison.OrdinalIgnoreCase))
            {
                commands.Add(ZoneGroupCreateCommand);
            }

            if (commands.Count == 0)
            {
                return $"The zone, links and zone group are in place: this resolver is not in a linked VNet. Query from inside the VNet (-DnsServer 168.63.129.16 on a VM there), or make custom DNS forward {ZoneName} to 168.63.129.16.";
            }

            return RepairFirst(commands);
        }
    }

    /// <summary>A private endpoint for the account, with the names known and placeholders for the VNet and subnet.</summary>
    public string PrivateEndpointCreateCommand
    {
        get
        {
            var account = _context.Request.AccountResourceId ?? "<account-id>";
            var name = account.StartsWith('/') ? ArmIds.Name(account) : "<account>";
            return $"az network private-endpoint create --resource-group <rg> --name pe-{name} --vnet-name <vnet> --subnet <subnet> "
                + $"--private-connection-resource-id {account} --group-id account --connection-name pe-{name}";
        }
    }

    public string ARecordFixCommand(string staleAddress)
    {
        var nicIp = _context.Inventory.NicIp ?? "<endpoint-nic-ip>";
        var common = $"--subscription {ZoneSub} --resource-group {ZoneRg} --zone-name {ZoneName} --record-set-name {RecordName}";
        return RepairFirst(
            [
                $"az network private-dns record-set a add-record {common} --ipv4-address {nicIp}",
                $"az network private-dns record-set a remove-record {common} --ipv4-address {staleAddress}",
            ],
            fixStaleRecord: true);
    }

    public string DisablePoliciesCommand
    {
        get
        {
            var subnet = _context.Inventory.PeSubnetId;
            if (subnet is null)
            {
                return "az network vnet subnet update --resource-group <rg> --vnet-name <vnet> --name <pe-subnet> --private-endpoint-network-policies Disabled";
            }

            var vnet = ArmIds.Parent(subnet);
            return $"az network vnet subnet update --subscription {ArmIds.Subscription(subnet)} --resource-group {ArmIds.ResourceGroup(subnet)} "
                + $"--vnet-name {ArmIds.Name(vnet)} --name {ArmIds.Name(subnet)} --private-endpoint-network-policies Disabled";
        }
    }

    public string NsgAllowCommand(NsgRule deciding, NsgDirection direction)
    {
        var nsgId = direction == NsgDirection.Inbound
            ? _context.Inventory.PeSubnet.Str("properties", "networkSecurityGroup", "id")
            : _context.Inventory.AppSubnet.Str("properties", "networkSecurityGroup", "id");
        var sub = nsgId is null ? "<subscription>" : ArmIds.Subscription(nsgId);
        var rg = nsgId is null ? "<rg>" : ArmIds.ResourceGroup(nsgId);
        var nsg = nsgId is null ? deciding.NsgName : ArmIds.Name(nsgId);
        var name = direction == NsgDirection.Inbound ? "Allow-App-To-PE-443" : "Allow-PE-443-Outbound";
        var priority = Math.Clamp(deciding.Priority - 1, 100, 4096);
        var create = string.Create(CultureInfo.InvariantCulture, $"az network nsg rule create --subscription {sub} --resource-group {rg} --nsg-name {nsg} --name {name} --priority {priority} ")
            + $"--direction {direction} --access Allow --protocol Tcp --source-address-prefixes {SourcePrefix ?? "<app-subnet-prefix>"} "
            + $"--destination-address-prefixes {PeAddress} --destination-port-ranges 443";
        if (deciding.Priority <= 100 && !deciding.IsDefault)
        {
            // Nothing can sit in front of priority 100: move the deny rule back first.
            return $"az network nsg rule update --subscription {sub} --resource-group {rg} --nsg-name {nsg} --name {deciding.Name} --priority 110{Environment.NewLine}{create}";
        }

        return create;
    }

    public string? AppSettingsListCommand => _context.Request.AppServiceResourceId is { } app
        ? $"az webapp config appsettings list --subscription {ArmIds.Subscription(app)} --resource-group {ArmIds.ResourceGroup(app)} --name {ArmIds.Name(app)} --query \"[?name=='AZURE_OPENAI_ENDPOINT' || name=='OPENAI_API_BASE' || name=='AZURE_OPENAI_API_BASE']\""
        : null;

    public string SdkFixCommand(bool removeApiBase)
    {
        var url = $"https://{_context.Fqdn}/";
        var lines = new List<string>();
        if (_context.Request.AppServiceResourceId is { } app)
        {
            var target = $"--subscription {ArmIds.Subscription(app)} --resource-group {ArmIds.ResourceGroup(app)} --name {ArmIds.Name(app)}";
            lines.Add($"az webapp config appsettings set {target} --settings AZURE_OPENAI_ENDPOINT={url}");
            if (removeApiBase)
            {
                lines.Add($"az webapp config appsettings delete {target} --setting-names OPENAI_API_BASE");
            }
        }

        lines.Add($"$env:AZURE_OPENAI_ENDPOINT = '{url}'" + (removeApiBase ? "; Remove-Item Env:OPENAI_API_BASE" : string.Empty));
        return string.Join(Environment.NewLine, lines);
    }

    private string ZoneIdBeside(string resourceId) =>
        $"/subscriptions/{ArmIds.Subscription(resourceId)}/resourceGroups/{ArmIds.ResourceGroup(resourceId)}/providers/Microsoft.Network/privateDnsZones/{ZoneName}";
}
