using KeepTrusts.Engine.Audit;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt audit verify &lt;dir&gt; [--head-key-env NAME]</c>: exit 0 when the hash chain is intact and reaches its head
/// (signed with the key in NAME, when given), 1 naming the first bad record.
/// </summary>
internal static class AuditCommands
{
    public static int Verify(string directory, string? headKeyEnv, TextWriter stdout)
    {
        if (!Directory.Exists(directory))
        {
            stdout.WriteLine($"kt audit verify: '{directory}' is not a directory");
            return 1;
        }

        byte[]? headKey = null;
        if (headKeyEnv is not null)
        {
            var value = Environment.GetEnvironmentVariable(headKeyEnv);
            if (string.IsNullOrEmpty(value))
            {
                stdout.WriteLine($"kt audit verify: --head-key-env {headKeyEnv}: that environment variable is not set");
                return 1;
            }

            headKey = System.Text.Encoding.UTF8.GetBytes(value);
        }

        var result = AuditLogVerifier.Verify(directory, headKey);
        foreach (var warning in result.Warnings)
        {
            stdout.WriteLine($"warning: {warning}");
        }

        if (result.IsValid)
        {
            stdout.WriteLine($"{directory}: chain intact, {result.RecordCount} record(s) in {result.Files.Count} file(s)");
            return 0;
        }

        stdout.WriteLine(result.FirstBadLine is null
            ? $"{result.FirstBadFile}: {result.Reason}"
            : $"{result.FirstBadFile}:{result.FirstBadLine}: seq {result.FirstBadSeq}: {result.Reason}");
        stdout.WriteLine($"{directory}: chain BROKEN after {result.RecordCount} good record(s)");
        return 1;
    }
}
