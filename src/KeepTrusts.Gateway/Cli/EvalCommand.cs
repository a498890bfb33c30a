using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt eval --config &lt;yaml&gt; --data &lt;jsonl&gt; [--json]</c>: runs a labelled JSONL set through the config's
/// request chain (<see cref="PolicyEvaluator"/>) and prints the figures. Exit 0 when it ran, 1 when the config or the
/// data is invalid (file:line on stderr).
/// </summary>
internal static class EvalCommand
{
    // Web defaults, indented, named float literals (NaN latency of an empty set), from the source-generated KtJson.
    private static readonly JsonTypeInfo<PolicyEvaluation> Json =
        (JsonTypeInfo<PolicyEvaluation>)new JsonSerializerOptions(KtJson.Default.Options) { WriteIndented = true }.GetTypeInfo(typeof(PolicyEvaluation));

    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The policy config whose request chain is measured.", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled JSONL: one {\"text\", \"label\" (1 attack, 0 benign), optional \"source\"} per line.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON (for scripts)." };
        var command = new Command("eval", "Run a labelled JSONL set through a config's request chain: precision, recall, false-positive rate, TPR at FPR 1%/5%, latency.") { config, data, json };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(config)!,
            parseResult.GetValue(data)!,
            parseResult.GetValue(json),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(string config, string data, bool json, TextWriter stdout, TextWriter stderr)
    {
        var policy = KtCommandLine.LoadConfig(config, stderr);
        if (policy is null)
        {
            return 1;
        }

        PolicyEvaluation result;
        try
        {
            result = PolicyEvaluator.Evaluate(policy, data);
        }
        catch (LabelledDataException ex)
        {
            stderr.WriteLine($"kt eval: {ex.Message}");
            return 1;
        }

        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(result, Json));
        }
        else
        {
            Print(result, stdout);
        }

        return 0;
    }

    private static void Print(PolicyEvaluation r, TextWriter o)
    {
        o.WriteLine($"{r.DataPath}: {r.Samples} samples ({r.Attacks} attacks, {r.Benign} benign) through {string.Join(" -> ", r.Chain)} ({r.ConfigPath})");
        o.WriteLine($"  precision {Rate(r.Precision)}  recall {Rate(r.Recall)}  false-positive rate {Rate(r.FalsePositiveRate)}  (tp {r.TruePositives}, fp {r.FalsePositives}, fn {r.FalseNegatives}, tn {r.TrueNegatives})");
        o.WriteLine($"  TPR at FPR 1%: {Point(r.AtFpr1)}");
        o.WriteLine($"  TPR at FPR 5%: {Point(r.AtFpr5)}");
        o.WriteLine($"  latency per request: p50 {r.LatencyP50Microseconds.ToString("0.0", CultureInfo.InvariantCulture)} µs, p99 {r.LatencyP99Microseconds.ToString("0.0", CultureInfo.InvariantCulture)} µs");
        if (r.Sources.Count > 1)
        {
            o.WriteLine();
            o.WriteLine($"  {"source",-32} {"samples",8} {"attacks",8} {"recall",7} {"benign",8} {"FPR",7}");
            foreach (var s in r.Sources)
            {
                o.WriteLine($"  {Clip(s.Source, 32),-32} {s.Samples,8} {s.Attacks,8} {Rate(s.Recall),7} {s.Benign,8} {Rate(s.FalsePositiveRate),7}");
            }
        }

        var shown = r.Mistakes.Take(10).ToList();
        if (shown.Count > 0)
        {
            o.WriteLine();
            o.WriteLine($"  first {shown.Count} of {r.FalseNegatives + r.FalsePositives} mistakes (--json lists up to {PolicyEvaluator.MaxMistakes}):");
            foreach (var m in shown)
            {
                o.WriteLine($"  {r.DataPath}:{m.Line}: {(m.MissedAttack ? "missed attack" : "false alarm")} (score {m.Score.ToString("0.00", CultureInfo.InvariantCulture)}): {Clip(m.Text, 100)}");
            }
        }
    }

    private static string Rate(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string Point(OperatingPoint? p) => p is null
        ? "n/a (needs attacks and benign samples)"
        : $"{Rate(p.TruePositiveRate)} (FPR {Rate(p.FalsePositiveRate)}, threshold {(double.IsInfinity(p.Threshold) ? "above every score" : p.Threshold.ToString("0.000", CultureInfo.InvariantCulture))})";

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
