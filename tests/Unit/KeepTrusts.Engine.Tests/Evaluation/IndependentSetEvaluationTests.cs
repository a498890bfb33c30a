using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies.Pii;
using KeepTrusts.Engine.Policies.PromptInjection;
using Xunit.Abstractions;

namespace KeepTrusts.Engine.Tests.Evaluation;

/// <summary>
/// Sets written by another engineer for a different implementation of the same detectors: "-second" sets (in-sample for
/// that implementation) and "-holdout" sets (written after its rules were frozen). They were unseen by these detectors at
/// first (figures in docs/policies.md); after their misses were studied and phrasings added, they are in-sample too, and
/// the floors guard against regressions.
/// </summary>
public sealed class IndependentSetEvaluationTests(ITestOutputHelper output)
{
    private static IEnumerable<JsonNode> Load(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Evaluation", file)).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!);

    [Theory]
    [InlineData("injection-second.jsonl", 0.95, 0.85)]
    [InlineData("injection-holdout.jsonl", 0.95, 0.85)]
    public void Prompt_injection_on_independent_sets(string file, double precisionFloor, double recallFloor)
    {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var sample in Load(file))
        {
            var text = sample["text"]!.ToString();
            var attack = sample["label"]!.ToString() == "injection";
            var score = PromptInjectionScorer.Score(text, "t", sample["kind"]?.ToString() == "tool").Score;
            var flagged = score >= 0.8;
            if (flagged && attack) { tp++; } else if (flagged) { fp++; } else if (attack) { fn++; } else { tn++; }
            if (flagged != attack)
            {
                output.WriteLine($"{(attack ? "missed" : "false alarm")} ({score:0.00}): {text}");
            }
        }

        var precision = (double)tp / Math.Max(1, tp + fp);
        var recall = (double)tp / Math.Max(1, tp + fn);
        output.WriteLine($"prompt-injection on {file}: precision {precision:0.000}, recall {recall:0.000} (tp {tp}, fp {fp}, fn {fn}, tn {tn})");
        Assert.True(precision >= precisionFloor && recall >= recallFloor, $"precision {precision:0.000}, recall {recall:0.000}");
    }

    // The set writes secrets as placeholders so the file holds none; these stand-ins have the real formats.
    private static string Expand(string text) => text
        .Replace("{OPENAI_KEY}", "sk-proj-" + new string('a', 20) + "B7c9D1e3F5g7H9j1K3m5", StringComparison.Ordinal)
        .Replace("{AZURE_OPENAI_KEY}", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", StringComparison.Ordinal)
        .Replace("{STORAGE_KEY}", new string('Q', 40) + "w9" + new string('z', 44) + "==", StringComparison.Ordinal)
        .Replace("{CONNECTION_STRING}", "DefaultEndpointsProtocol=https;AccountName=st01;AccountKey=" + new string('Q', 86) + "==;EndpointSuffix=core.windows.net", StringComparison.Ordinal)
        .Replace("{JWT}", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", StringComparison.Ordinal)
        .Replace("{PRIVATE_KEY}", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7yn3bRHQ5FHMQ\n-----END RSA PRIVATE KEY-----", StringComparison.Ordinal);

    [Theory]
    [InlineData("pii-second.jsonl", 0.95, 0.95)]
    [InlineData("pii-holdout.jsonl", 0.95, 0.95)]
    public void Pii_on_independent_sets(string file, double precisionFloor, double recallFloor)
    {
        var scanner = new PiiScanner([]);
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var sample in Load(file))
        {
            var text = Expand(sample["text"]!.ToString());
            var expected = sample["entities"]!.AsArray().Select(e => e!.ToString().ToUpperInvariant()).ToList();
            var found = scanner.Find(text).Select(m => m.Kind).ToHashSet();
            if (expected.Count == 0)
            {
                if (found.Count > 0) { fp++; output.WriteLine($"false alarm ({string.Join(",", found)}): {text}"); } else { tn++; }
            }
            else if (expected.All(found.Contains))
            {
                tp++;
            }
            else
            {
                fn++;
                output.WriteLine($"missed {string.Join(",", expected.Where(e => !found.Contains(e)))} (found {string.Join(",", found)}): {text}");
            }
        }

        var precision = (double)tp / Math.Max(1, tp + fp);
        var recall = (double)tp / Math.Max(1, tp + fn);
        output.WriteLine($"pii-detector on {file}: precision {precision:0.000}, recall {recall:0.000} (tp {tp}, fp {fp}, fn {fn}, tn {tn})");
        Assert.True(precision >= precisionFloor && recall >= recallFloor, $"precision {precision:0.000}, recall {recall:0.000}");
    }
}
