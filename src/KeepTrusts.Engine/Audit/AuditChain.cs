using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// The audit files' format, shared by writer, verifier and reader. A line is a JSON object whose last field is
/// <c>"hash"</c>: the SHA-256 of the line's own bytes without that field (the object closed right after <c>"prev"</c>).
/// <c>prev</c> is the previous record's hash (64 zeros for the first ever), <c>seq</c> counts from 1 without gaps.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";
    public const string AnchorFile = "audit-anchor.json";
    public const string RecoveredTornTail = "recovered_torn_tail";
    public const string KindRequest = "request";
    public const string KindOutcome = "outcome";
    private const string Prefix = "audit-";
    private const string Suffix = ".jsonl";

    public static string FileName(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{date:yyyy-MM-dd}{Suffix}");

    public static DateOnly? DateOf(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(Suffix, StringComparison.Ordinal) &&
               DateOnly.TryParseExact(name[Prefix.Length..^Suffix.Length], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    /// <summary>The daily files, oldest first.</summary>
    public static IReadOnlyList<string> Files(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.GetFiles(directory, Prefix + "*" + Suffix).Where(f => DateOf(f) is not null).OrderBy(f => DateOf(f)).ToList()
            : [];

    /// <summary>Serializes a record with its seq and prev, as the bytes that are hashed (a complete JSON object).</summary>
    public static byte[] Serialize(AuditRecord record, long seq, string prev)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using var json = new Utf8JsonWriter(buffer);
        Write(json, record, seq, Encoding.UTF8.GetBytes(prev));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes the hashed object (the same bytes as <see cref="Serialize"/>) into a writer the caller reuses, and flushes
    /// it: the audit writer thread serializes every record into one buffer instead of a stream and array per record.
    /// </summary>
    /// <param name="prev">The previous record's hash as UTF-8 (lower-case hex).</param>
    internal static void Write(Utf8JsonWriter json, AuditRecord record, long seq, ReadOnlySpan<byte> prev)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", seq);
        // The round-trip ("O") form, formatted straight into bytes: no string per record.
        Span<byte> time = stackalloc byte[40];
        record.Time.UtcDateTime.TryFormat(time, out var timeLength, "O", CultureInfo.InvariantCulture);
        json.WriteString("time"u8, time[..timeLength]);
        json.WriteString("request_id", record.RequestId);
        if (record.Kind != AuditRecordKind.Complete)
        {
            // Absent on complete records, so logs written before issue 16 keep their hashes.
            json.WriteString("kind", record.Kind == AuditRecordKind.Request ? KindRequest : KindOutcome);
        }

        WriteOptional(json, "client_key_id", record.ClientKeyId);
        json.WriteString("method", record.Method);
        json.WriteString("path", record.Path);
        // Only on requests answered without a model operation: chat records (and their hashes) stay as they were.
        WriteOptional(json, "operation", record.Operation);
        WriteOptional(json, "remote_address", record.RemoteAddress);
        WriteOptional(json, "reason", record.Reason);
        WriteOptional(json, "model", record.Model);
        WriteOptional(json, "target", record.Target);
        json.WriteBoolean("stream", record.Stream);
        json.WriteNumber("status", record.Status);
        WriteOptional(json, "error_code", record.ErrorCode);
        json.WriteNumber("latency_ms", record.LatencyMs);
        json.WriteNumber("prompt_tokens", record.PromptTokens);
        json.WriteNumber("completion_tokens", record.CompletionTokens);
        json.WriteNumber("cost_usd", record.Cost);
        json.WriteNumber("attempts", record.Attempts);
        json.WriteStartArray("decisions");
        // By index: a foreach over the interface boxed an enumerator per record (and one per decision for its spans).
        var decisions = record.Decisions;
        for (var d = 0; d < decisions.Count; d++)
        {
            var decision = decisions[d];
            json.WriteStartObject();
            json.WriteString("policy", decision.Policy);
            json.WriteString("phase", Gateway.LowerCaseNames<Policies.PolicyPhase>.Of(decision.Phase));
            json.WriteString("action", Gateway.LowerCaseNames<Policies.PolicyAction>.Of(decision.Action));
            json.WriteString("reason", decision.Reason);
            json.WriteNumber("score", Math.Round(decision.Score, 3));
            json.WriteStartArray("spans");
            for (var m = 0; m < decision.Spans.Count; m++)
            {
                var span = decision.Spans[m];
                // Where and what kind, never the matched text.
                json.WriteStartObject();
                json.WriteString("segment", span.Segment);
                json.WriteNumber("start", span.Start);
                json.WriteNumber("length", span.Length);
                json.WriteString("kind", span.Kind);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (record.ContentFilterResults is { } filter)
        {
            json.WritePropertyName("content_filter_results");
            json.WriteRawValue(filter, skipInputValidation: false);
        }

        WriteOptional(json, "prompt", record.PromptContent);
        WriteOptional(json, "completion", record.CompletionContent);
        WriteOptional(json, "upstream_error", record.UpstreamError);
        json.WriteString("prev"u8, prev);
        json.WriteEndObject();
        json.Flush();
    }

    public static string Hash(ReadOnlySpan<byte> body)
    {
        Span<byte> hex = stackalloc byte[HashHexLength];
        HashHex(body, hex);
        return Encoding.ASCII.GetString(hex);
    }

    public const int HashHexLength = 64;

    /// <summary>The SHA-256 of <paramref name="body"/> as lower-case hex into <paramref name="hex"/> (64 bytes), without strings.</summary>
    public static void HashHex(ReadOnlySpan<byte> body, Span<byte> hex)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        for (var i = 0; i < hash.Length; i++)
        {
            hex[2 * i] = LowerHex[hash[i] >> 4];
            hex[(2 * i) + 1] = LowerHex[hash[i] & 0xF];
        }
    }

    private static ReadOnlySpan<byte> LowerHex => "0123456789abcdef"u8;

    /// <summary>Splits a file's bytes into lines (without newlines); a last line without a newline is included.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Lines(byte[] bytes)
    {
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                yield return bytes.AsMemory(start, i - start);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            yield return bytes.AsMemory(start);
        }
    }

    /// <summary>Checks a line's own hash and reads its chain fields.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> line, out AuditChainEntry entry)
    {
        entry = default;
        var span = line.Span;
        var marker = ",\"hash\":\""u8;
        var at = span.LastIndexOf(marker);
        if (at < 0 || span.Length < at + marker.Length + 64 + 2 || span[^1] != (byte)'}')
        {
            return false;
        }

        var hash = Encoding.ASCII.GetString(span.Slice(at + marker.Length, 64));
        var body = new byte[at + 1];
        span[..at].CopyTo(body);
        body[^1] = (byte)'}';
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return false;
        }

        if (json?["seq"] is not JsonValue seq || json["prev"] is not JsonValue prev)
        {
            return false;
        }

        entry = new AuditChainEntry(seq.GetValue<long>(), prev.GetValue<string>(), hash, Hash(body) == hash, json.AsObject());
        return true;
    }

    public static (long Seq, string Hash, DateOnly Through)? ReadAnchor(string directory)
    {
        var path = Path.Combine(directory, AnchorFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var json = JsonNode.Parse(File.ReadAllText(path))!;
        return (json["last_seq"]!.GetValue<long>(), json["last_hash"]!.GetValue<string>(), DateOnly.Parse(json["removed_through"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    internal static void WriteAnchor(string directory, long seq, string hash, DateOnly through)
    {
        var path = Path.Combine(directory, AnchorFile);
        var temp = path + ".tmp";
        File.WriteAllText(temp, new JsonObject
        {
            ["removed_through"] = through.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["last_seq"] = seq,
            ["last_hash"] = hash,
        }.ToJsonString());
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
