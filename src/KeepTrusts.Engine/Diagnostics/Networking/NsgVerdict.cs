namespace KeepTrusts.Engine.Diagnostics.Networking;

/// <summary>The outcome of evaluating one NSG for one flow: allowed or not, and the rule that decided.</summary>
public sealed record NsgVerdict(bool Allowed, NsgRule DecidingRule, IReadOnlyList<string> Notes);
