using System.Text.Json;

namespace KeepTrusts.Engine.Evaluation;

/// <summary>
/// Reads labelled JSONL: one object per line with <c>text</c> and <c>label</c> (1 or true or "injection"/"attack" for an
/// attack; 0 or false or "benign"/"none" for benign text), optional <c>source</c> (for per-source figures) and
/// <c>kind</c> ("tool" sends the text as a tool result). Blank lines are skipped; anything else wrong stops the read
/// with file:line and the fix. Used by <see cref="PolicyEvaluator"/> and the model trainer.
/// </summary>
public static class LabelledSampleReader
{
    private static readonly string[] AttackLabels = ["1", "true", "injection", "attack", "malicious", "jailbreak"];
    private static readonly string[] BenignLabels = ["0", "false", "benign", "none", "safe", "clean"];

    public static IReadOnlyList<LabelledSample> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new LabelledDataException($"{path}: no such file");
        }

        var samples = new List<LabelledSample>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            samples.Add(Parse(text, path, line));
        }

        if (samples.Count == 0)
        {
            throw new LabelledDataException($"{path}: no samples (expected one JSON object per line with \"text\" and \"label\")");
        }

        return samples;
    }

    public static LabelledSample Parse(string json, string path, int line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new LabelledDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: not valid JSON ({ex.Message}); each line must be one object such as {{\"text\": \"...\", \"label\": 1}}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new LabelledDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: expected a JSON object, found {root.ValueKind.ToString().ToLowerInvariant()}"));
            }

            if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new LabelledDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: \"text\" is missing or not a string"));
            }

            if (!root.TryGetProperty("label", out var label))
            {
                throw new LabelledDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: \"label\" is missing; use 1 (attack) or 0 (benign)"));
            }

            var labelText = label.ValueKind switch
            {
                JsonValueKind.Number or JsonValueKind.String => label.ValueKind == JsonValueKind.String ? label.GetString()!.Trim().ToLowerInvariant() : label.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => label.GetRawText(),
            };
            var attack = AttackLabels.Contains(labelText) ? true : BenignLabels.Contains(labelText) ? false : (bool?)null;
            if (attack is null)
            {
                throw new LabelledDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: label {label.GetRawText()} is not understood; use 1, true or \"injection\" for an attack and 0, false or \"benign\" for benign text"));
            }

            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "(none)";
            var kind = root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            return new LabelledSample(text.GetString()!, attack.Value, source, kind, line);
        }
    }
}
