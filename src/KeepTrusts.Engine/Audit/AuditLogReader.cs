using System.Globalization;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>Reads audit records back, filtered by time, target and policy action.</summary>
public static class AuditLogReader
{
    /// <param name="decision">A policy action (allow, redact, block) that at least one decision of the record has.</param>
    public static IEnumerable<AuditEntry> Read(string directory, DateTimeOffset? since = null, string? target = null, string? decision = null)
    {
        foreach (var file in AuditChain.Files(directory))
        {
            if (since is { } from && AuditChain.DateOf(file) is { } day && day < DateOnly.FromDateTime(from.UtcDateTime))
            {
                continue;
            }

            var lineNumber = 0;
            foreach (var line in AuditChain.Lines(File.ReadAllBytes(file)))
            {
                lineNumber++;
                if (!AuditChain.TryParse(line, out var parsed))
                {
                    continue;
                }

                var entry = ToEntry(parsed.Seq, parsed.Record, file, lineNumber);
                if ((since is null || entry.Time >= since) &&
                    (target is null || string.Equals(entry.Target, target, StringComparison.OrdinalIgnoreCase)) &&
                    (decision is null || entry.Decisions.Any(d => string.Equals(d.Action, decision, StringComparison.OrdinalIgnoreCase))))
                {
                    yield return entry;
                }
            }
        }
    }

    private static AuditEntry ToEntry(long seq, JsonObject json, string file, int line)
    {
        string? Text(string name) => json[name]?.ToString();
        long Number(string name) => json[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        var decisions = (json["decisions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(d => (d["policy"]?.ToString() ?? string.Empty, d["phase"]?.ToString() ?? string.Empty, d["action"]?.ToString() ?? string.Empty, d["reason"]?.ToString() ?? string.Empty))
            .ToList();
        return new AuditEntry(
            seq,
            DateTimeOffset.Parse(Text("time")!, CultureInfo.InvariantCulture),
            Text("request_id") ?? string.Empty,
            Text("client_key_id"),
            Text("model"),
            Text("target"),
            (int)Number("status"),
            Text("error_code"),
            json["latency_ms"]?.GetValue<double>() ?? 0,
            Number("prompt_tokens"),
            Number("completion_tokens"),
            json["cost_usd"]?.GetValue<decimal>() ?? 0,
            decisions,
            file,
            line);
    }
}
