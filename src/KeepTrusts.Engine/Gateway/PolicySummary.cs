using System.Globalization;
using System.Text;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>The x-keeptrusts-policy header: a non-secret summary of the decisions, <c>policy=action(spans);...</c>.</summary>
public static class PolicySummary
{
    /// <summary>
    /// One entry per policy (in the order policies first decided): its strongest action over all phases, with the
    /// number of spans it matched at that action. A loop over the few decisions, not a LINQ grouping, as it runs on
    /// every answer.
    /// </summary>
    public static string Of(IReadOnlyList<PolicyDecision> decisions)
    {
        // One builder per thread, emptied each time: only the header's string is allocated per answer.
        var text = t_text ??= new StringBuilder(256);
        text.Clear();
        for (var i = 0; i < decisions.Count; i++)
        {
            var policy = decisions[i].Policy;
            if (SeenBefore(decisions, i, policy))
            {
                continue;
            }

            var action = decisions[i].Action;
            for (var j = i + 1; j < decisions.Count; j++)
            {
                if (string.Equals(decisions[j].Policy, policy, StringComparison.Ordinal) && decisions[j].Action > action)
                {
                    action = decisions[j].Action;
                }
            }

            var spans = 0;
            for (var j = i; j < decisions.Count; j++)
            {
                if (string.Equals(decisions[j].Policy, policy, StringComparison.Ordinal) && decisions[j].Action == action)
                {
                    spans += decisions[j].Spans.Count;
                }
            }

            if (text.Length > 0)
            {
                text.Append(';');
            }

            text.Append(policy).Append('=').Append(LowerCaseNames<PolicyAction>.Of(action));
            if (action != PolicyAction.Allow && spans > 0)
            {
                text.Append('(').Append(spans.ToString(CultureInfo.InvariantCulture)).Append(')');
            }
        }

        var summary = text.ToString();
        if (text.Capacity > 4096)
        {
            t_text = null;
        }

        return summary;
    }

    [ThreadStatic]
    private static StringBuilder? t_text;

    private static bool SeenBefore(IReadOnlyList<PolicyDecision> decisions, int index, string policy)
    {
        for (var k = 0; k < index; k++)
        {
            if (string.Equals(decisions[k].Policy, policy, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
