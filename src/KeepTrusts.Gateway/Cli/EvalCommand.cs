using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt eval --config &lt;yaml&gt; --data &lt;jsonl&gt; [--json]</c>: runs a labelled JSONL set through the config's
/// request chain (<see cref="PolicyEvaluator"/>) and prints the figures. Exit 0 when it ran, 1 when the config or the
/// data is invalid (file:line on stderr).
/// </summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? config = null, data = null;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new KtCommandLine.UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--config":
                    config = Value();
                    break;
                case "--data":
                    data = Value();
                    break;
                case "--json":
                    json = true;
                    break;
                default:
                    throw new KtCommandLine.UsageException($"unknown option '{args[i]}' for kt eval");
            }
        }

        if (config is null || data is null)
        {
            throw new KtCommandLine.UsageException("kt eval needs --config <policy-config.yaml> and --data <labelled.jsonl>");
        }

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
