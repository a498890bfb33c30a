using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// What the gateway tells a client beyond OpenAI's answer, so Invoke-KtChat through a gateway reports the same cost and
/// policy decisions as in-process: x-kt-cost (USD, answers that are complete), x-kt-pricing (the target's rates, for a
/// stream whose cost the client works out from the final usage), x-kt-decisions (JSON; no matched text, only kinds).
/// Bounded: x-kt-decisions is at most <see cref="MaxDecisionsHeaderBytes"/>; reasons are dropped first, then decisions.
/// </summary>
public static class KtResultHeaders
{
    public const string Cost = "x-kt-cost";
    public const string Pricing = "x-kt-pricing";
    public const string Decisions = "x-kt-decisions";
    public const int MaxDecisionsHeaderBytes = 4096;

    public static IEnumerable<KeyValuePair<string, string>> For(GatewayResponse response, PricingOptions? pricing)
    {
        if (response.Events is null)
        {
            yield return new(Cost, response.Cost.ToString(CultureInfo.InvariantCulture));
        }
        else if (pricing is not null)
        {
            yield return new(Pricing, string.Create(CultureInfo.InvariantCulture, $"input_per_million={pricing.InputPerMillion};output_per_million={pricing.OutputPerMillion}"));
        }

        if (response.Decisions.Count > 0)
        {
            yield return new(Decisions, DecisionsJson(response.Decisions));
        }
    }

    /// <summary>Cost (or null when the gateway sent none), pricing and decisions from a gateway's answer headers.</summary>
    public static (decimal? Cost, PricingOptions? Pricing, IReadOnlyList<PolicyDecision> Decisions) Read(Func<string, string?> header)
    {
        decimal? cost = decimal.TryParse(header(Cost), NumberStyles.Number, CultureInfo.InvariantCulture, out var c) ? c : null;
        PricingOptions? pricing = null;
        if (header(Pricing) is { } rates)
        {
            var values = rates.Split(';').Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => decimal.TryParse(p[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : 0m);
            pricing = new PricingOptions { InputPerMillion = values.GetValueOrDefault("input_per_million"), OutputPerMillion = values.GetValueOrDefault("output_per_million") };
        }

        var decisions = new List<PolicyDecision>();
        if (header(Decisions) is { } json)
        {
            try
            {
                foreach (var item in JsonNode.Parse(json) as JsonArray ?? [])
                {
                    decisions.Add(new PolicyDecision(
                        item?["policy"]?.ToString() ?? string.Empty,
                        Enum.TryParse<PolicyPhase>(item?["phase"]?.ToString(), true, out var phase) ? phase : PolicyPhase.Request,
                        Enum.TryParse<PolicyAction>(item?["action"]?.ToString(), true, out var action) ? action : PolicyAction.Allow,
                        item?["reason"]?.ToString() ?? string.Empty,
                        item?["score"]?.GetValue<double>() ?? 0,
                        (item?["matches"] as JsonArray ?? []).Select(m => new MatchedSpan(string.Empty, 0, 0, m?.ToString() ?? string.Empty)).ToList()));
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                // A header from something that is not a KeepTrusts gateway: no decisions rather than a failed call.
            }
        }

        return (cost, pricing, decisions);
    }

    private static string DecisionsJson(IReadOnlyList<PolicyDecision> decisions)
    {
        var json = Serialize(decisions, withReasons: true);
        if (json.Length <= MaxDecisionsHeaderBytes)
        {
            return json;
        }

        json = Serialize(decisions, withReasons: false);
        for (var count = decisions.Count - 1; json.Length > MaxDecisionsHeaderBytes && count > 0; count--)
        {
            json = Serialize(decisions.Take(count).ToList(), withReasons: false);
        }

        return json;
    }

    // Written straight to a per-thread buffer (this runs on every answer with decisions; a JsonNode tree for it was an
    // eighth of the full chain's allocations). The default encoder escapes everything outside ASCII, so the value is a
    // valid header whatever the reason says.
    private static string Serialize(IReadOnlyList<PolicyDecision> decisions, bool withReasons)
    {
        var writer = PooledJsonText.Rent();
        writer.WriteStartArray();
        for (var i = 0; i < decisions.Count; i++)
        {
            var d = decisions[i];
            writer.WriteStartObject();
            writer.WriteString("policy", d.Policy);
            writer.WriteString("phase", LowerCaseNames<PolicyPhase>.Of(d.Phase));
            writer.WriteString("action", LowerCaseNames<PolicyAction>.Of(d.Action));
            writer.WriteNumber("score", Math.Round(d.Score, 3));
            writer.WriteStartArray("matches");
            for (var m = 0; m < d.Spans.Count; m++)
            {
                writer.WriteStringValue(d.Spans[m].Kind);
            }

            writer.WriteEndArray();
            if (withReasons)
            {
                writer.WriteString("reason", d.Reason);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        return PooledJsonText.Finish(writer);
    }
}
