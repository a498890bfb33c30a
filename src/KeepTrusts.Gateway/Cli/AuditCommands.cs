using KeepTrusts.Engine.Audit;

namespace KeepTrusts.Gateway.Cli;

/// <summary><c>kt audit verify &lt;dir&gt;</c>: exit 0 when the hash chain is intact, 1 naming the first bad record.</summary>
internal static class AuditCommands
{
    public static int Verify(string directory, TextWriter stdout)
    {
        if (!Directory.Exists(directory))
        {
            stdout.WriteLine($"kt audit verify: '{directory}' is not a directory");
            return 1;
        }

        var result = AuditLogVerifier.Verify(directory);
        foreach (var warning in result.Warnings)
        {
            stdout.WriteLine($"warning: {warning}");
        }

        if (result.IsValid)
        {
            stdout.WriteLine($"{directory}: chain intact, {result.RecordCount} record(s) in {result.Files.Count} file(s)");
            return 0;
        }

        stdout.WriteLine($"{result.FirstBadFile}:{result.FirstBadLine}: seq {result.FirstBadSeq}: {result.Reason}");
        stdout.WriteLine($"{directory}: chain BROKEN after {result.RecordCount} good record(s)");
        return 1;
    }
}
