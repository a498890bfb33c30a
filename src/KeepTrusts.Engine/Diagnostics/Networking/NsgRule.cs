using System.Text.Json;

namespace KeepTrusts.Engine.Diagnostics.Networking;

/// <summary>One NSG security rule as ARM describes it (custom or default), with single values and lists merged.</summary>
public sealed record NsgRule(
    string NsgName,
    string Name,
    int Priority,
    NsgDirection Direction,
    bool Allow,
    string Protocol,
    IReadOnlyList<string> SourceAddresses,
    IReadOnlyList<string> DestinationAddresses,
    IReadOnlyList<string> DestinationPorts,
    bool IsDefault,
    bool UsesApplicationSecurityGroups,
    IReadOnlyList<string>? SourceApplicationSecurityGroups = null,
    IReadOnlyList<string>? DestinationApplicationSecurityGroups = null)
{
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{NsgName}/{Name} (priority {Priority}, {Direction}, {(Allow ? "Allow" : "Deny")}{(IsDefault ? ", default rule" : string.Empty)})");

    /// <summary>Reads the custom and default rules of an NSG resource; synthesises Azure's default rules if ARM omitted them.</summary>
    public static IReadOnlyList<NsgRule> FromNsg(JsonElement nsg)
    {
        var name = nsg.TryGetProperty("name", out var n) ? n.GetString() ?? "nsg" : "nsg";
        var rules = new List<NsgRule>();
        var properties = nsg.GetProperty("properties");
        if (properties.TryGetProperty("securityRules", out var custom) && custom.ValueKind == JsonValueKind.Array)
        {
            rules.AddRange(custom.EnumerateArray().Select(r => FromRule(name, r, isDefault: false)));
        }

        if (properties.TryGetProperty("defaultSecurityRules", out var defaults) && defaults.ValueKind == JsonValueKind.Array && defaults.GetArrayLength() > 0)
        {
            rules.AddRange(defaults.EnumerateArray().Select(r => FromRule(name, r, isDefault: true)));
        }
        else
        {
            rules.AddRange(AzureDefaults(name));
        }

        return rules;
    }

    /// <summary>The six rules every NSG has; they cannot be removed, only overridden by lower priority numbers.</summary>
    public static IReadOnlyList<NsgRule> AzureDefaults(string nsgName) =>
    [
        new(nsgName, "AllowVnetInBound", 65000, NsgDirection.Inbound, true, "*", ["VirtualNetwork"], ["VirtualNetwork"], ["*"], true, false),
        new(nsgName, "AllowAzureLoadBalancerInBound", 65001, NsgDirection.Inbound, true, "*", ["AzureLoadBalancer"], ["*"], ["*"], true, false),
        new(nsgName, "DenyAllInBound", 65500, NsgDirection.Inbound, false, "*", ["*"], ["*"], ["*"], true, false),
        new(nsgName, "AllowVnetOutBound", 65000, NsgDirection.Outbound, true, "*", ["VirtualNetwork"], ["VirtualNetwork"], ["*"], true, false),
        new(nsgName, "AllowInternetOutBound", 65001, NsgDirection.Outbound, true, "*", ["*"], ["Internet"], ["*"], true, false),
        new(nsgName, "DenyAllOutBound", 65500, NsgDirection.Outbound, false, "*", ["*"], ["*"], ["*"], true, false),
    ];

    private static NsgRule FromRule(string nsgName, JsonElement rule, bool isDefault)
    {
        var p = rule.GetProperty("properties");
        return new NsgRule(
            nsgName,
            rule.TryGetProperty("name", out var name) ? name.GetString() ?? "?" : "?",
            p.TryGetProperty("priority", out var priority) ? priority.GetInt32() : int.MaxValue,
            string.Equals(p.GetProperty("direction").GetString(), "Outbound", StringComparison.OrdinalIgnoreCase) ? NsgDirection.Outbound : NsgDirection.Inbound,
            string.Equals(p.GetProperty("access").GetString(), "Allow", StringComparison.OrdinalIgnoreCase),
            p.TryGetProperty("protocol", out var protocol) ? protocol.GetString() ?? "*" : "*",
            Merge(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
            Merge(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
            Merge(p, "destinationPortRange", "destinationPortRanges"),
            isDefault,
            HasItems(p, "sourceApplicationSecurityGroups") || HasItems(p, "destinationApplicationSecurityGroups"),
            Ids(p, "sourceApplicationSecurityGroups"),
            Ids(p, "destinationApplicationSecurityGroups"));
    }

    private static List<string> Ids(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.TryGetProperty("id", out var id) ? id.GetString() : null).Where(i => i is not null).Select(i => i!).ToList()
            : [];

    private static List<string> Merge(JsonElement properties, string single, string plural)
    {
        var values = new List<string>();
        if (properties.TryGetProperty(single, out var one) && one.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(one.GetString()))
        {
            values.Add(one.GetString()!);
        }

        if (properties.TryGetProperty(plural, out var many) && many.ValueKind == JsonValueKind.Array)
        {
            values.AddRange(many.EnumerateArray().Select(v => v.GetString()).Where(v => !string.IsNullOrWhiteSpace(v))!);
        }

        return values;
    }

    private static bool HasItems(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0;
}
