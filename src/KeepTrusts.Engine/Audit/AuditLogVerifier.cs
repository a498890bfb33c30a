namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Walks every audit file oldest first and checks each line's own hash, its link to the previous line, and that seq
/// grows by one. The first break is reported with file, line and seq. A chain whose oldest files were removed by
/// retention starts at the anchor recorded when they were removed. A line torn by a crash (never acknowledged, followed
/// by the writer's recovery record) is a warning, not a break.
/// </summary>
public static class AuditLogVerifier
{
    public static AuditVerification Verify(string directory)
    {
        var files = AuditChain.Files(directory);
        var warnings = new List<string>();
        var anchor = AuditChain.ReadAnchor(directory);
        var prev = anchor?.Hash ?? AuditChain.Genesis;
        var seq = anchor?.Seq ?? 0;
        long count = 0;
        string? tornAt = null;
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
                    tornAt = $"{Path.GetFileName(file)}:{lineNumber}";
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
                    return Broken(files, count, file, lineNumber, entry.Seq, $"sequence jumps from {seq} to {entry.Seq}", warnings);
                }

                if (tornAt is not null)
                {
                    if (entry.Record["error_code"]?.ToString()?.StartsWith(AuditChain.RecoveredTornTail, StringComparison.Ordinal) != true)
                    {
                        return Broken(files, count, file, lineNumber - 1, seq + 1, "unreadable record", warnings);
                    }

                    warnings.Add($"{tornAt}: a write torn by a crash (never acknowledged to a client), recovered by seq {entry.Seq}");
                    tornAt = null;
                }

                prev = entry.Hash;
                seq = entry.Seq;
                count++;
            }
        }

        if (tornAt is not null)
        {
            warnings.Add($"{tornAt}: the last write was torn by a crash (never acknowledged to a client); the writer recovers it on restart");
        }

        return new AuditVerification(true, count, files, null, null, null, null, warnings);
    }

    private static AuditVerification Broken(IReadOnlyList<string> files, long count, string file, int line, long seq, string reason, List<string> warnings) =>
        new(false, count, files, file, line, seq, reason, warnings);
}
