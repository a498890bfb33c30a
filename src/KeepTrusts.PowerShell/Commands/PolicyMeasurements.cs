using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Engine calls behind Measure-KtPolicy, mapped to the module's own types.</summary>
internal static class PolicyMeasurements
{
    /// <summary>The config's diagnostics as "file:line:column: message" lines when it is invalid; empty when it loads.</summary>
    public static string[] ConfigErrors(string configPath) =>
        PolicyConfigLoader.Load(configPath) is { IsValid: false } result ? result.Errors.Select(e => e.ToString()).ToArray() : [];

    /// <summary>Null and a message when the data cannot be read (the message names file:line).</summary>
    public static KtPolicyMeasurement? Measure(string configPath, string dataPath, Action<int, int> progress, CancellationToken cancellationToken, out string? dataError)
    {
        var config = PolicyConfigLoader.Load(configPath).Config!;
        PolicyEvaluation result;
        try
        {
            result = PolicyEvaluator.Evaluate(config, dataPath, progress, cancellationToken);
        }
        catch (LabelledDataException ex)
        {
            dataError = ex.Message;
            return null;
        }

        dataError = null;
        return new KtPolicyMeasurement
        {
            ConfigPath = configPath,
            DataPath = dataPath,
            Chain = result.Chain.ToArray(),
            Samples = result.Samples,
            Attacks = result.Attacks,
            Benign = result.Benign,
            TruePositives = result.TruePositives,
            FalsePositives = result.FalsePositives,
            FalseNegatives = result.FalseNegatives,
            TrueNegatives = result.TrueNegatives,
            Precision = result.Precision,
            Recall = result.Recall,
            FalsePositiveRate = result.FalsePositiveRate,
            TprAtFpr1 = result.AtFpr1?.TruePositiveRate,
            ThresholdAtFpr1 = Finite(result.AtFpr1?.Threshold),
            TprAtFpr5 = result.AtFpr5?.TruePositiveRate,
            ThresholdAtFpr5 = Finite(result.AtFpr5?.Threshold),
            LatencyP50Microseconds = result.LatencyP50Microseconds,
            LatencyP99Microseconds = result.LatencyP99Microseconds,
            Sources = result.Sources.Select(s => new KtPolicySourceMeasurement
            {
                Source = s.Source,
                Samples = s.Samples,
                Attacks = s.Attacks,
                Benign = s.Benign,
                TruePositives = s.TruePositives,
                FalsePositives = s.FalsePositives,
                Recall = s.Recall,
                FalsePositiveRate = s.FalsePositiveRate,
            }).ToArray(),
            Mistakes = result.Mistakes.Select(m => new KtPolicyMistake
            {
                Location = $"{dataPath}:{m.Line}",
                Line = m.Line,
                Kind = m.MissedAttack ? "MissedAttack" : "FalseAlarm",
                Score = m.Score,
                Reason = m.Reason,
                Text = m.Text,
            }).ToArray(),
        };
    }

    /// <summary>A threshold above every score (nothing flagged) is shown as null rather than infinity.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
