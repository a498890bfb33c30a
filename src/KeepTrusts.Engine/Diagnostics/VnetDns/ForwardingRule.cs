namespace KeepTrusts.Engine.Diagnostics.VnetDns;

/// <summary>A DNS forwarding ruleset rule (Azure DNS Private Resolver), with the VNets its ruleset is linked to.</summary>
internal sealed record ForwardingRule(string RulesetId, string Name, string DomainName, IReadOnlyList<string> Targets, bool Enabled, IReadOnlyList<string> LinkedVnetIds)
{
    /// <summary>True when the rule's domain is <paramref name="name"/> or one of its parents ("." matches every name).</summary>
    public bool Covers(string name)
    {
        var domain = DomainName.TrimEnd('.');
        return domain.Length == 0
            || name.Equals(domain, StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }
}
