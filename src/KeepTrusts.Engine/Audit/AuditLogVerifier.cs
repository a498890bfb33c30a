namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Walks every audit file oldest first and checks each line's own hash, its link to the previous line, and that seq
/// grows by one. The first break is reported with file, line and seq. A chain whose oldest files were removed by
/// retention starts at the anchor recorded when they were removed. A line torn by a crash (never acknowledged, followed
/// by the writer's recovery record) is a warning, not a break. Last, the log must still hold the record that
/// <c>audit-head.json</c> names (else records were cut from its end); with <paramref name="headKey"/> the head's HMAC
/// must match too, so a head re-written by someone without the key is detected. A forwarded request has a request
/// record and, after it, an outcome record with the same request id; a request record that no outcome follows is an
/// interrupted request (the gateway stopped between forwarding it and recording the answer): listed and warned about,
/// never a break, since the chain around it is intact.
/// </summary>
public static class AuditLogVerifier
{
    public static AuditVerification Verify(string directory, byte[]? headKey = null)
    {
        var files = AuditChain.Files(directory);
        var warnings = new List<string>();
        AuditHead? head;
        try
        {
            head = AuditHead.Read(directory);
        }
        catch (InvalidDataException ex)
        {
            return new AuditVerification(false, 0, files, AuditHead.PathIn(directory), null, null, ex.Message, warnings);
        }

        string? hashAtHead = null;
        var anchor = AuditChain.ReadAnchor(directory);
        var prev = anchor?.Hash ?? AuditChain.Genesis;
        var seq = anchor?.Seq ?? 0;
        long count = 0;
        string? tornAt = null;
        var pending = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lineNumber = 0;
            foreach (var line in AuditChain.Lines(File.ReadAllBytes(file)))
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                if (!AuditChain.TryParse(line, out var entry))
                {
                    if (tornAt is not null)
                    {
                        return Broken(files, count, file, lineNumber, seq + 1, "unreadable record", warnings);
                    }

                    // Possibly a write torn by a crash: acceptable only if the writer's recovery record follows.
                    tornAt = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}:{lineNumber}");
                    continue;
                }

                if (!entry.HashMatches)
                {
                    return Broken(files, count, file, lineNumber, entry.Seq, "the record was changed after it was written (its hash does not match its content)", warnings);
                }

                if (entry.Prev != prev)
                {
                    return Broken(files, count, file, lineNumber, entry.Seq, count == 0 && anchor is null && entry.Prev != AuditChain.Genesis
                        ? "the chain does not start at the beginning: earlier records were removed"
                        : "the record does not follow the previous one (a record was removed, inserted or reordered)", warnings);
                }

                if (entry.Seq != seq + 1)
                {
                    return Broken(files, count, file, lineNumber, entry.Seq, string.Create(CultureInfo.InvariantCulture, $"sequence jumps from {seq} to {entry.Seq}"), warnings);
                }

                if (tornAt is not null)
                {
                    if (entry.Record["error_code"]?.ToString()?.StartsWith(AuditChain.RecoveredTornTail, StringComparison.Ordinal) != true)
                    {
                        return Broken(files, count, file, lineNumber - 1, seq + 1, "unreadable record", warnings);
                    }

                    warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{tornAt}: a write torn by a crash (never acknowledged to a client), recovered by seq {entry.Seq}"));
                    tornAt = null;
                }

                Pair(entry, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}:{lineNumber}"), pending, warnings);
                prev = entry.Hash;
                seq = entry.Seq;
                count++;
                if (head is not null && seq == head.Seq)
                {
                    hashAtHead = entry.Hash;
                }
            }
        }

        if (tornAt is not null)
        {
            warnings.Add($"{tornAt}: the last write was torn by a crash (never acknowledged to a client); the writer recovers it on restart");
        }

        var interrupted = pending.Values.SelectMany(q => q).Order(StringComparer.Ordinal).ToList();
        if (interrupted.Count > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{interrupted.Count} request(s) interrupted: forwarded to a model (request record on disk) but no outcome was recorded, because the gateway stopped before the answer was recorded; the client may or may not have received it. First: {string.Join("; ", interrupted.Take(5))}"));
        }

        if (CheckHead(directory, head, headKey, files, seq, anchor is not null && seq == anchor.Value.Seq ? anchor.Value.Hash : hashAtHead, warnings) is { } reason)
        {
            return new AuditVerification(false, count, files, AuditHead.PathIn(directory), null, head?.Seq, reason, warnings, interrupted);
        }

        return new AuditVerification(true, count, files, null, null, null, null, warnings, interrupted);
    }

    /// <summary>Matches an outcome record to the oldest open request record with its request id.</summary>
    private static void Pair(AuditChainEntry entry, string at, Dictionary<string, Queue<string>> pending, List<string> warnings)
    {
        var kind = entry.Record["kind"]?.ToString();
        if (kind is null)
        {
            return;
        }

        var id = entry.Record["request_id"]?.ToString() ?? string.Empty;
        if (kind == AuditChain.KindRequest)
        {
            (pending.TryGetValue(id, out var queue) ? queue : pending[id] = new Queue<string>()).Enqueue(string.Create(CultureInfo.InvariantCulture, $"request {id} at seq {entry.Seq} ({at})"));
        }
        else if (kind == AuditChain.KindOutcome)
        {
            if (!pending.TryGetValue(id, out var queue) || !queue.TryDequeue(out _))
            {
                // Possible only when retention removed the file that held its request record.
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{at}: outcome of request {id} at seq {entry.Seq} has no earlier request record in the files kept"));
                return;
            }

            if (queue.Count == 0)
            {
                pending.Remove(id);
            }
        }
    }

    /// <summary>Why the end of the log does not match its head, or null when it does.</summary>
    private static string? CheckHead(string directory, AuditHead? head, byte[]? headKey, IReadOnlyList<string> files, long lastSeq, string? hashAtHead, List<string> warnings)
    {
        if (head is null)
        {
            if (headKey is not null)
            {
                return $"{AuditHead.FileName} is missing, so the end of the log cannot be checked against a signed head";
            }

            if (files.Count > 0)
            {
                return $"{AuditHead.FileName} is missing: the writer keeps it beside the log, so it was removed (records cut from the end could not be detected)";
            }

            return null;
        }

        if (headKey is not null && !head.MacMatches(headKey))
        {
            return head.Mac is null
                ? $"{AuditHead.FileName} is not signed, but a head key was given: the head was replaced by someone without the key"
                : $"{AuditHead.FileName} has a signature that does not match the given key: the head was forged or the key is wrong";
        }

        if (headKey is null && head.Mac is not null)
        {
            warnings.Add($"{AuditHead.FileName} is signed, but no head key was given: its signature was not checked");
        }

        if (lastSeq < head.Seq)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the log ends at seq {lastSeq}, but {AuditHead.FileName} records seq {head.Seq} in {head.File}: {head.Seq - lastSeq} record(s) were removed from the end");
        }

        if (hashAtHead != head.Hash)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the record at seq {head.Seq} is not the one {AuditHead.FileName} recorded: the end of the log was rewritten");
        }

        return null;
    }

    private static AuditVerification Broken(IReadOnlyList<string> files, long count, string file, int line, long seq, string reason, List<string> warnings) =>
        new(false, count, files, file, line, seq, reason, warnings);
}
