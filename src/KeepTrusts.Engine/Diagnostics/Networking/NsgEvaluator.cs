using System.Globalization;
using System.Net;

namespace KeepTrusts.Engine.Diagnostics.Networking;

/// <summary>
/// Evaluates NSG rules the way Azure does: rules of the flow's direction in ascending priority, first match wins,
/// default rules last. Matches protocol, destination port (single, range, list, *), and addresses (CIDR, single IP,
/// lists, and the service tags VirtualNetwork, Internet, AzureLoadBalancer and *).
/// </summary>
public static class NsgEvaluator
{
    /// <summary>The fixed address Azure health probes come from (the AzureLoadBalancer tag).</summary>
    private static readonly IPAddress AzureLoadBalancer = IPAddress.Parse("168.63.129.16");

    public static NsgVerdict Evaluate(IEnumerable<NsgRule> rules, NsgDirection direction, NsgFlow flow)
    {
        var notes = new List<string>();
        foreach (var rule in rules.Where(r => r.Direction == direction).OrderBy(r => r.Priority).ThenBy(r => r.IsDefault))
        {
            if (!ProtocolMatches(rule.Protocol, flow.Protocol) || !PortMatches(rule.DestinationPorts, flow.DestinationPort))
            {
                continue;
            }

            var sourceAsgs = rule.SourceApplicationSecurityGroups ?? [];
            var destinationAsgs = rule.DestinationApplicationSecurityGroups ?? [];
            if (rule.UsesApplicationSecurityGroups && sourceAsgs.Count == 0 && destinationAsgs.Count == 0)
            {
                notes.Add($"{rule.Describe()} uses application security groups, which are not evaluated: check it by hand.");
                continue;
            }

            // A side with ASGs matches by NIC membership (when known); a side without them by its prefixes.
            var sourceMatch = sourceAsgs.Count > 0
                ? AsgMatch(sourceAsgs, flow.SourceApplicationSecurityGroups, "source", rule, notes)
                : AddressesMatch(rule.SourceAddresses, flow.Source, flow, notes, rule);
            bool? destinationMatch = sourceMatch is not true
                ? false
                : destinationAsgs.Count > 0
                    ? AsgMatch(destinationAsgs, flow.DestinationApplicationSecurityGroups, "destination", rule, notes)
                    : AddressesMatch(rule.DestinationAddresses, flow.Destination, flow, notes, rule);
            if (sourceMatch is not true || destinationMatch is not true)
            {
                continue;
            }

            return new NsgVerdict(rule.Allow, rule, notes);
        }

        // Every NSG ends in DenyAll; reaching here means the rule list had no defaults at all.
        var denyAll = NsgRule.AzureDefaults("(implicit)").First(r => r.Direction == direction && !r.Allow);
        return new NsgVerdict(false, denyAll, notes);
    }

    /// <summary>True/false when membership is known; null (with a note) when it is not, which counts as not matching.</summary>
    private static bool? AsgMatch(IReadOnlyList<string> ruleAsgs, IReadOnlySet<string>? members, string side, NsgRule rule, List<string> notes)
    {
        if (members is null)
        {
            notes.Add($"{rule.Describe()} uses application security groups for the {side}, whose membership is unknown here: check it by hand.");
            return null;
        }

        return ruleAsgs.Any(a => members.Contains(a, StringComparer.OrdinalIgnoreCase));
    }

    internal static bool ProtocolMatches(string ruleProtocol, string flowProtocol) =>
        ruleProtocol is "*" or "Any" || string.Equals(ruleProtocol, flowProtocol, StringComparison.OrdinalIgnoreCase);

    internal static bool PortMatches(IReadOnlyList<string> ranges, int port)
    {
        if (ranges.Count == 0)
        {
            return true;
        }

        foreach (var range in ranges.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (range == "*")
            {
                return true;
            }

            var dash = range.IndexOf('-');
            if (dash > 0
                && int.TryParse(range[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                && int.TryParse(range[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var high))
            {
                if (port >= low && port <= high)
                {
                    return true;
                }
            }
            else if (int.TryParse(range, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && single == port)
            {
                return true;
            }
        }

        return false;
    }

    private static bool AddressesMatch(IReadOnlyList<string> prefixes, IPAddress address, NsgFlow flow, List<string> notes, NsgRule rule)
    {
        if (prefixes.Count == 0)
        {
            return true;
        }

        foreach (var prefix in prefixes)
        {
            switch (prefix)
            {
                case "*" or "Any" or "0.0.0.0/0":
                    return true;
                case "Internet":
                    // Internet = everything outside the VNet's space that is publicly routable.
                    if (!InVirtualNetwork(address, flow) && !AddressRanges.IsPrivateOrLoopback(address))
                    {
                        return true;
                    }

                    continue;
                case "VirtualNetwork":
                    if (InVirtualNetwork(address, flow))
                    {
                        return true;
                    }

                    continue;
                case "AzureLoadBalancer":
                    if (address.Equals(AzureLoadBalancer))
                    {
                        return true;
                    }

                    continue;
            }

            if (TryParsePrefix(prefix, out var network))
            {
                if (network.Contains(address))
                {
                    return true;
                }
            }
            else
            {
                notes.Add($"{rule.Describe()} uses '{prefix}', a service tag or value not evaluated here; treated as not matching.");
            }
        }

        return false;
    }

    private static bool InVirtualNetwork(IPAddress address, NsgFlow flow) => flow.VirtualNetworkSpace.Any(n => n.Contains(address));

    public static bool TryParsePrefix(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }
}
