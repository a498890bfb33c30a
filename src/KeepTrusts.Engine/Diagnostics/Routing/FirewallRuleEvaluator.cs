using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics.Networking;

namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>
/// Judges TCP 443 from the app to the endpoint's address (with SNI = the FQDN) against Azure Firewall rules the way
/// the firewall processes them: network rules before application rules; within each kind, Firewall Policy rule
/// collection groups by priority, then rule collections by priority (classic rules: collections by priority); the
/// first matching rule's collection action decides; nothing matching is the firewall's default deny. IP groups and
/// FQDN tags are not expanded: such rules are noted and treated as not matching.
/// </summary>
internal static class FirewallRuleEvaluator
{
    private sealed record Rule(string Kind, string Where, int GroupPriority, int CollectionPriority, bool Allow, JsonElement Body);

    public static FirewallVerdict Evaluate(JsonElement? firewall, JsonElement? policy, IReadOnlyList<JsonElement> ruleCollectionGroups, IPAddress source, IPAddress destination, string fqdn)
    {
        var rules = policy is not null ? PolicyRules(policy, ruleCollectionGroups) : ClassicRules(firewall);
        var notes = new List<string>();
        foreach (var kind in new[] { "NetworkRule", "ApplicationRule" })
        {
            foreach (var rule in rules.Where(r => r.Kind == kind).OrderBy(r => r.GroupPriority).ThenBy(r => r.CollectionPriority))
            {
                JsonElement? body = rule.Body;
                if (body.Arr("sourceIpGroups").Count > 0 || body.Arr("destinationIpGroups").Count > 0 || body.Arr("fqdnTags").Count > 0)
                {
                    notes.Add($"{rule.Where} uses IP groups or FQDN tags, which are not expanded: treated as not matching.");
                    continue;
                }

                var matches = kind == "NetworkRule"
                    ? NetworkRuleMatches(body, source, destination, fqdn)
                    : ApplicationRuleMatches(body, source, fqdn);
                if (matches)
                {
                    return new FirewallVerdict(rule.Allow, $"{rule.Where} ({(rule.Allow ? "Allow" : "Deny")})", notes);
                }
            }
        }

        return new FirewallVerdict(false, "no rule matches: the firewall's default deny", notes);
    }

    private static bool NetworkRuleMatches(JsonElement? rule, IPAddress source, IPAddress destination, string fqdn)
    {
        var protocols = rule.Arr("ipProtocols").Concat(rule.Arr("protocols")).Select(p => p.GetString()).ToList();
        if (!protocols.Any(p => p is "TCP" or "Any"))
        {
            return false;
        }

        if (!NsgEvaluator.PortMatches(rule.Arr("destinationPorts").Select(p => p.GetString() ?? string.Empty).ToList(), 443))
        {
            return false;
        }

        var toFqdn = rule.Arr("destinationFqdns").Any(f => HostMatches(f.GetString(), fqdn));
        return AddressMatches(rule.Arr("sourceAddresses"), source) && (toFqdn || AddressMatches(rule.Arr("destinationAddresses"), destination));
    }

    private static bool ApplicationRuleMatches(JsonElement? rule, IPAddress source, string fqdn)
    {
        var https = rule.Arr("protocols").Any(p => string.Equals(((JsonElement?)p).Str("protocolType"), "Https", StringComparison.OrdinalIgnoreCase)
            && (((JsonElement?)p).Node("port")?.GetInt32() ?? 443) == 443);
        return https && AddressMatches(rule.Arr("sourceAddresses"), source) && rule.Arr("targetFqdns").Any(f => HostMatches(f.GetString(), fqdn));
    }

    private static bool AddressMatches(IReadOnlyList<JsonElement> prefixes, IPAddress address) =>
        prefixes.Select(p => p.GetString()).Any(p => p == "*" || (p is not null && NsgEvaluator.TryParsePrefix(p, out var network) && network.Contains(address)));

    private static bool HostMatches(string? pattern, string fqdn) =>
        pattern is not null && (pattern == "*"
            || string.Equals(pattern, fqdn, StringComparison.OrdinalIgnoreCase)
            || (pattern.StartsWith("*.", StringComparison.Ordinal) && fqdn.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)));

    private static List<Rule> PolicyRules(JsonElement? policy, IReadOnlyList<JsonElement> groups)
    {
        var rules = new List<Rule>();
        var policyName = policy.Str("name") ?? "policy";
        foreach (var group in groups)
        {
            JsonElement? g = group;
            var groupPriority = g.Int("properties", "priority") ?? int.MaxValue;
            foreach (var collection in g.Arr("properties", "ruleCollections"))
            {
                JsonElement? c = collection;
                if (c.Str("ruleCollectionType") != "FirewallPolicyFilterRuleCollection")
                {
                    continue; // DNAT collections translate inbound traffic; they do not filter this flow.
                }

                var allow = string.Equals(c.Str("action", "type"), "Allow", StringComparison.OrdinalIgnoreCase);
                foreach (var rule in c.Arr("rules"))
                {
                    JsonElement? r = rule;
                    rules.Add(new Rule(r.Str("ruleType") ?? "NetworkRule",
                        $"{policyName}/{g.Str("name")}/{c.Str("name")}/{r.Str("name")}", groupPriority, c.Int("priority") ?? int.MaxValue, allow, rule));
                }
            }
        }

        return rules;
    }

    private static List<Rule> ClassicRules(JsonElement? firewall)
    {
        var rules = new List<Rule>();
        var name = firewall.Str("name") ?? "firewall";
        foreach (var (property, kind) in new[] { ("networkRuleCollections", "NetworkRule"), ("applicationRuleCollections", "ApplicationRule") })
        {
            foreach (var collection in firewall.Arr("properties", property))
            {
                JsonElement? c = collection;
                var allow = string.Equals(c.Str("properties", "action", "type"), "Allow", StringComparison.OrdinalIgnoreCase);
                foreach (var rule in c.Arr("properties", "rules"))
                {
                    rules.Add(new Rule(kind, $"{name}/{c.Str("name")}/{((JsonElement?)rule).Str("name")}", 0, c.Int("properties", "priority") ?? int.MaxValue, allow, rule));
                }
            }
        }

        return rules;
    }
}
