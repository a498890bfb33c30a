using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>The x-keeptrusts-policy header: a non-secret summary of the decisions, <c>policy=action(spans);...</c>.</summary>
public static class PolicySummary
{
    /// <summary>One entry per policy: its strongest action over all phases, with the number of spans it matched.</summary>
    public static string Of(IReadOnlyList<PolicyDecision> decisions) => string.Join(";", decisions
        .GroupBy(d => d.Policy, StringComparer.Ordinal)
        .Select(g =>
        {
            var action = g.Max(d => d.Action);
            var spans = g.Where(d => d.Action == action).Sum(d => d.Spans.Count);
            return $"{g.Key}={action.ToString().ToLowerInvariant()}" + (action != PolicyAction.Allow && spans > 0 ? $"({spans})" : string.Empty);
        }));
}
