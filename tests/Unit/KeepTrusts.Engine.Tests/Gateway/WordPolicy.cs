using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>
/// A small real policy for testing the gateway's hook points: blocks a word, redacts another, and on streams holds
/// back only a tail that could still grow into the redacted word.
/// </summary>
internal sealed class WordPolicy(string blockWord, string redactWord) : IPolicy
{
    private string BlockWord => blockWord;

    private string RedactWord => redactWord;

    public string Name => "word-policy";

    public PolicyDecision EvaluateRequest(IReadOnlyList<TextSegment> segments) => Evaluate(segments, PolicyPhase.Request);

    public PolicyDecision EvaluateResponse(IReadOnlyList<TextSegment> segments) => Evaluate(segments, PolicyPhase.Response);

    public IStreamPolicy CreateStreamPolicy() => new Stream(this);

    private PolicyDecision Evaluate(IReadOnlyList<TextSegment> segments, PolicyPhase phase)
    {
        var spans = new List<MatchedSpan>();
        foreach (var segment in segments)
        {
            if (segment.Text.Contains(blockWord, StringComparison.Ordinal))
            {
                return new PolicyDecision(Name, phase, PolicyAction.Block, $"contains a blocked word", 1, [new MatchedSpan(segment.Source, segment.Text.IndexOf(blockWord, StringComparison.Ordinal), blockWord.Length, "word")]);
            }

            var index = segment.Text.IndexOf(redactWord, StringComparison.Ordinal);
            if (index >= 0)
            {
                spans.Add(new MatchedSpan(segment.Source, index, redactWord.Length, "word"));
                segment.Text = segment.Text.Replace(redactWord, "[REDACTED]", StringComparison.Ordinal);
                segment.Modified = true;
            }
        }

        return spans.Count > 0 ? new PolicyDecision(Name, phase, PolicyAction.Redact, "redacted a word", 1, spans) : PolicyDecision.Allowed(Name, phase);
    }

    private sealed class Stream(WordPolicy policy) : IStreamPolicy
    {
        private string _held = string.Empty;

        public PolicyDecision Decision { get; private set; } = PolicyDecision.Allowed(policy.Name, PolicyPhase.Stream);

        public string Push(string delta)
        {
            var text = _held + delta;
            if (text.Contains(policy.BlockWord, StringComparison.Ordinal))
            {
                Decision = new PolicyDecision(policy.Name, PolicyPhase.Stream, PolicyAction.Block, "contains a blocked word", 1, []);
                return string.Empty;
            }

            if (text.Contains(policy.RedactWord, StringComparison.Ordinal))
            {
                text = text.Replace(policy.RedactWord, "[REDACTED]", StringComparison.Ordinal);
                Decision = new PolicyDecision(policy.Name, PolicyPhase.Stream, PolicyAction.Redact, "redacted a word", 1, []);
            }

            // Hold back the longest suffix that is a prefix of the word to redact.
            var hold = 0;
            for (var n = Math.Min(policy.RedactWord.Length - 1, text.Length); n > 0; n--)
            {
                if (text.EndsWith(policy.RedactWord[..n], StringComparison.Ordinal))
                {
                    hold = n;
                    break;
                }
            }

            _held = text[^hold..];
            return text[..^hold];
        }

        public string Flush()
        {
            var rest = _held;
            _held = string.Empty;
            return rest;
        }
    }
}
