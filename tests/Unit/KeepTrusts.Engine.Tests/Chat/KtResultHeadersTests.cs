using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Chat;

/// <summary>The x-kt-* headers that carry cost and decisions from a gateway to Invoke-KtChat.</summary>
public sealed class KtResultHeadersTests
{
    private static Func<string, string?> Lookup(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var map = headers.ToDictionary(h => h.Key, h => h.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void Cost_and_decisions_survive_the_trip_without_the_matched_text()
    {
        var response = new GatewayResponse { Cost = 0.000125m };
        response.Decisions.Add(new PolicyDecision("pii-detector", PolicyPhase.Request, PolicyAction.Redact, "1 match: EMAIL", 1, [new MatchedSpan("jane@contoso.com", 5, 16, "EMAIL")]));

        var headers = KtResultHeaders.For(response, null).ToList();
        var (cost, _, decisions) = KtResultHeaders.Read(Lookup(headers));

        Assert.Equal(0.000125m, cost);
        var decision = Assert.Single(decisions);
        Assert.Equal(("pii-detector", PolicyPhase.Request, PolicyAction.Redact), (decision.Policy, decision.Phase, decision.Action));
        Assert.Equal("EMAIL", Assert.Single(decision.Spans).Kind);
        Assert.DoesNotContain(headers, h => h.Value.Contains("jane@contoso.com"));
    }

    [Fact]
    public void A_stream_sends_the_targets_pricing_instead_of_a_cost_it_does_not_know_yet()
    {
        var response = new GatewayResponse { Events = NoEvents() };

        var headers = KtResultHeaders.For(response, new PricingOptions { InputPerMillion = 2.5m, OutputPerMillion = 10m }).ToList();
        var (cost, pricing, _) = KtResultHeaders.Read(Lookup(headers));

        Assert.Null(cost);
        Assert.Equal(0.000035m, pricing!.CostOf(10, 1));
    }

    [Fact]
    public void The_decisions_header_is_bounded_and_stays_ascii()
    {
        var response = new GatewayResponse();
        for (var i = 0; i < 200; i++)
        {
            response.Decisions.Add(new PolicyDecision($"policy-{i}", PolicyPhase.Stream, PolicyAction.Redact, new string('é', 100), 0.5, []));
        }

        var header = KtResultHeaders.For(response, null).Single(h => h.Key == KtResultHeaders.Decisions).Value;

        Assert.True(header.Length <= KtResultHeaders.MaxDecisionsHeaderBytes, $"{header.Length} bytes");
        Assert.All(header, c => Assert.True(c < 128));
        Assert.NotEmpty(KtResultHeaders.Read(name => name == KtResultHeaders.Decisions ? header : null).Decisions);
    }

    private static async IAsyncEnumerable<ChatEvent> NoEvents()
    {
        await Task.CompletedTask;
        yield break;
    }
}
