using System.Text.Json.Nodes;
using KeepTrusts.Engine.Policies.Pii;
using KeepTrusts.Engine.Policies.PromptInjection;
using Xunit.Abstractions;

namespace KeepTrusts.Engine.Tests.Evaluation;

/// <summary>
/// Precision and recall on the labelled sets in this folder (attacks across families and languages, benign prompts
/// that mention the topics, PII samples and near-misses). The figures printed here are the ones in the README.
/// </summary>
public sealed class DetectorEvaluationTests(ITestOutputHelper output)
{
    private static IEnumerable<(string Text, string Label)> Load(string file) =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Evaluation", file))
            .Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!)
            .Select(n => (n["text"]!.ToString(), n["label"]!.ToString()));

    [Fact]
    public void Prompt_injection_precision_and_recall_at_the_default_threshold()
    {
        var samples = Load("injection.jsonl").ToList();
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var (text, label) in samples)
        {
            var flagged = PromptInjectionScorer.Score(text).Score >= 0.8;
            var attack = label == "injection";
            (tp, fp, fn, tn) = (flagged, attack) switch
            {
                (true, true) => (tp + 1, fp, fn, tn),
                (true, false) => (tp, fp + 1, fn, tn),
                (false, true) => (tp, fp, fn + 1, tn),
                _ => (tp, fp, fn, tn + 1),
            };
            if (flagged != attack)
            {
                output.WriteLine($"{(attack ? "missed" : "false alarm")} ({PromptInjectionScorer.Score(text).Score:0.00}): {text}");
            }
        }

        var precision = (double)tp / Math.Max(1, tp + fp);
        var recall = (double)tp / Math.Max(1, tp + fn);
        output.WriteLine($"prompt-injection: {samples.Count} samples, precision {precision:0.000}, recall {recall:0.000} (tp {tp}, fp {fp}, fn {fn}, tn {tn})");
        Assert.True(precision >= 0.95, $"precision {precision:0.000}");
        Assert.True(recall >= 0.90, $"recall {recall:0.000}");
    }

    [Fact]
    public void Pii_precision_and_recall_with_near_misses()
    {
        var scanner = new PiiScanner([]);
        var samples = Load("pii.jsonl").ToList();
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var (text, label) in samples)
        {
            var matches = scanner.Find(text);
            if (label == "none")
            {
                if (matches.Count > 0)
                {
                    fp++;
                    output.WriteLine($"false alarm ({string.Join(",", matches.Select(m => m.Kind))}): {text}");
                }
                else
                {
                    tn++;
                }

                continue;
            }

            if (matches.Any(m => m.Kind == label))
            {
                tp++;
            }
            else
            {
                fn++;
                output.WriteLine($"missed {label} (found {string.Join(",", matches.Select(m => m.Kind))}): {text}");
            }
        }

        var precision = (double)tp / Math.Max(1, tp + fp);
        var recall = (double)tp / Math.Max(1, tp + fn);
        output.WriteLine($"pii-detector: {samples.Count} samples, precision {precision:0.000}, recall {recall:0.000} (tp {tp}, fp {fp}, fn {fn}, tn {tn})");
        Assert.True(precision >= 0.95, $"precision {precision:0.000}");
        Assert.True(recall >= 0.95, $"recall {recall:0.000}");
    }
}
