namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>What an Azure Firewall does with the flow: allowed or not, the rule that decided (or the default deny), and rules it could not judge.</summary>
internal sealed record FirewallVerdict(bool Allowed, string DecidingRule, IReadOnlyList<string> Notes);
