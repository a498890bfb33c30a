using System.Globalization;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Reads requests back, filtered by time, target and policy action: one entry per request. A forwarded request's
/// request record is folded into its outcome (matched by request id, oldest first); request records still without an
/// outcome at the end of the log come last, marked interrupted.
/// </summary>
public static class AuditLogReader
{
    /// <param name="decision">A policy action (allow, redact, block) that at least one decision of the record has.</param>
    public static IEnumerable<AuditEntry> Read(string directory, DateTimeOffset? since = null, string? target = null, string? decision = null)
    {
        var pending = new Dictionary<string, Queue<AuditEntry>>(StringComparer.Ordinal);
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
                var kind = parsed.Record["kind"]?.ToString();
                if (kind == AuditChain.KindRequest)
                {
                    (pending.TryGetValue(entry.RequestId, out var queue) ? queue : pending[entry.RequestId] = new Queue<AuditEntry>()).Enqueue(entry);
                    continue;
                }

                if (kind == AuditChain.KindOutcome && pending.TryGetValue(entry.RequestId, out var requests) && requests.TryDequeue(out _) && requests.Count == 0)
                {
                    pending.Remove(entry.RequestId);
                }

                if (Matches(entry))
                {
                    yield return entry;
                }
            }
        }

        foreach (var interrupted in pending.Values.SelectMany(q => q).OrderBy(e => e.Seq))
        {
            if (Matches(interrupted))
            {
                yield return interrupted with { Interrupted = true };
            }
        }

        bool Matches(AuditEntry entry) =>
            (since is null || entry.Time >= since) &&
            (target is null || string.Equals(entry.Target, target, StringComparison.OrdinalIgnoreCase)) &&
            (decision is null || entry.Decisions.Any(d => string.Equals(d.Action, decision, StringComparison.OrdinalIgnoreCase)));
    }

    private static AuditEntry ToEntry(long seq, JsonObject json, string file, int line)
    {
        string? Text(string name) => json[name]?.ToString();
        long Number(string name) => json[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        var decisions = (json["decisions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(d => (d["policy"]?.ToString() ?? string.Empty, d["phase"]?.ToString() ?? string.Empty, d["action"]?.ToString() ?? string.Empty, d["reason"]?.ToString() ?? string.Empty,
                d["score"] is JsonValue score && score.TryGetValue<double>(out var value) ? value : 0))
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
            line,
            Method: Text("method") ?? string.Empty,
            Path: Text("path") ?? string.Empty,
            Operation: Text("operation"),
            RemoteAddress: Text("remote_address"),
            Reason: Text("reason"));
    }
}
