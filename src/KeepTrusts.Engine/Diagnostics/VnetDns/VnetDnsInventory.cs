namespace KeepTrusts.Engine.Diagnostics.VnetDns;

/// <summary>The DNS configuration around the endpoint: each inspected VNet's servers, and the forwarding rules that may apply.</summary>
internal sealed class VnetDnsInventory
{
    /// <summary>Rulesets beyond this per subscription are not read; the evidence says so.</summary>
    public const int MaxRulesets = 20;

    public List<(string VnetId, string Role, IReadOnlyList<VnetDnsServer> Servers)> Vnets { get; } = [];

    public List<ForwardingRule> Rules { get; } = [];

    public List<string> Subscriptions { get; } = [];

    public int RulesetsNotRead { get; set; }
}
