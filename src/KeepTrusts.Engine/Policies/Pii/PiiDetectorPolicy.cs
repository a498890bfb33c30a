using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>
/// pii-detector: finds personal data and secrets (emails, phones, cards with Luhn, IBAN with mod-97, US SSN with its
/// invalid ranges, IPs, dates of birth in context, passports and national ids with checksum or context, Azure/OpenAI
/// keys, connection strings, JWTs, private keys) and redacts, blocks or logs them.
/// </summary>
public sealed class PiiDetectorPolicy(PiiDetectorOptions options) : IPolicy
{
    private readonly PiiScanner _scanner = new(options.Entities);

    public string Name => PolicyNames.PiiDetector;

    public PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments) => Evaluate(segments, PolicyPhase.Request);

    public PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments) =>
        options.ScanResponses ? Evaluate(segments, PolicyPhase.Response) : PolicyDecision.Allowed(Name, PolicyPhase.Response);

    public IStreamPolicy? CreateStreamPolicy() => options.ScanResponses ? new PiiStreamFilter(_scanner, options.Action, Name) : null;

    private PolicyDecision Evaluate(IReadOnlyList<TextSegment> segments, PolicyPhase phase)
    {
        List<MatchedSpan>? spans = null;
        foreach (var segment in segments)
        {
            var matches = _scanner.Find(segment.Text);
            if (matches.Count == 0)
            {
                continue;
            }

            spans ??= [];
            spans.AddRange(matches.Select(m => new MatchedSpan(segment.Source, m.Start, m.Length, m.Kind)));
            if (options.Action == PolicyActionOption.Redact)
            {
                segment.Text = PiiScanner.Redact(segment.Text, matches);
                segment.Modified = true;
            }
        }

        if (spans is null)
        {
            return PolicyDecision.Allowed(Name, phase);
        }

        var kinds = string.Join(", ", spans.Select(s => s.Kind).Distinct());
        var action = options.Action switch
        {
            PolicyActionOption.Block => PolicyAction.Block,
            PolicyActionOption.Redact => PolicyAction.Redact,
            _ => PolicyAction.Allow,
        };
        var verb = action switch { PolicyAction.Block => "found", PolicyAction.Redact => "redacted", _ => "logged" };
        return new PolicyDecision(Name, phase, action, string.Create(CultureInfo.InvariantCulture, $"{verb} {spans.Count} item(s) of personal data or secrets: {kinds}"), 1.0, spans);
    }
}
