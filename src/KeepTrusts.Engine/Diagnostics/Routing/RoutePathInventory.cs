using System.Text.Json;

namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>What the route check read: the app subnet's route table and, when the next hop is an appliance, the Azure Firewall there.</summary>
internal sealed class RoutePathInventory
{
    public JsonElement? RouteTable { get; set; }

    public JsonElement? Firewall { get; set; }

    public JsonElement? FirewallPolicy { get; set; }

    public IReadOnlyList<JsonElement> RuleCollectionGroups { get; set; } = [];
}
