using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>
/// The exact text of the decision headers clients parse (x-kt-decisions, x-keeptrusts-policy): written without a JSON
/// tree or LINQ grouping on the hot path, they must stay byte-for-byte what they were.
/// </summary>
public sealed class AnswerHeaderFormatTests
{
    private static readonly PolicyDecision[] Decisions =
    [
        new("prompt-injection", PolicyPhase.Request, PolicyAction.Allow, "score 0.1234", 0.12345, []),
        new("pii-detector", PolicyPhase.Request, PolicyAction.Redact, "2 matches: EMAIL, CREDIT_CARD — café", 1, [new MatchedSpan("a@b.c", 0, 5, "EMAIL"), new MatchedSpan("4111", 9, 4, "CREDIT_CARD")]),
        new("safety-filter", PolicyPhase.Request, PolicyAction.Allow, "clean", 0, []),
        new("pii-detector", PolicyPhase.Response, PolicyAction.Redact, "1 match: PHONE", 0.8567, [new MatchedSpan("555", 1, 3, "PHONE")]),
        new("safety-filter", PolicyPhase.Response, PolicyAction.Block, "violence \"quoted\"", 0.9, [new MatchedSpan("x", 0, 1, "violence")]),
    ];

    [Fact]
    public void Decisions_header_is_compact_ascii_json_in_decision_order()
    {
        var response = new GatewayResponse { Cost = 0.5m };
        response.Decisions.AddRange(Decisions);

        var header = KtResultHeaders.For(response, null).Single(h => h.Key == KtResultHeaders.Decisions).Value;

        Assert.Equal(
            """[{"policy":"prompt-injection","phase":"request","action":"allow","score":0.123,"matches":[],"reason":"score 0.1234"},""" +
            """{"policy":"pii-detector","phase":"request","action":"redact","score":1,"matches":["EMAIL","CREDIT_CARD"],"reason":"2 matches: EMAIL, CREDIT_CARD \u2014 caf\u00E9"},""" +
            """{"policy":"safety-filter","phase":"request","action":"allow","score":0,"matches":[],"reason":"clean"},""" +
            """{"policy":"pii-detector","phase":"response","action":"redact","score":0.857,"matches":["PHONE"],"reason":"1 match: PHONE"},""" +
            """{"policy":"safety-filter","phase":"response","action":"block","score":0.9,"matches":["violence"],"reason":"violence \u0022quoted\u0022"}]""",
            header);
    }

    [Fact]
    public void Policy_summary_gives_each_policy_its_strongest_action_and_its_spans_at_that_action()
    {
        Assert.Equal("prompt-injection=allow;pii-detector=redact(3);safety-filter=block(1)", PolicySummary.Of(Decisions));
    }

    [Fact]
    public void Policy_summary_of_allowed_requests_has_no_span_counts()
    {
        Assert.Equal("a=allow;b=allow", PolicySummary.Of([new("a", PolicyPhase.Request, PolicyAction.Allow, "", 0, [new MatchedSpan("x", 0, 1, "K")]), new("b", PolicyPhase.Request, PolicyAction.Allow, "", 0, [])]));
    }
}
