using System.CommandLine;
using KeepTrusts.Engine.Audit;

namespace KeepTrusts.Gateway.Cli;

/// <summary><c>kt audit verify &lt;dir&gt;</c>: exit 0 when the hash chain is intact, 1 naming the first bad record.</summary>
internal static class AuditVerifyCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("dir") { Description = "The audit log directory (policies.audit.directory in the config)." };
        var command = new Command("verify", "Verify the audit log's hash chain; names the first record that was changed, removed or reordered.") { directory };
        command.SetAction(parseResult => Verify(parseResult.GetValue(directory)!, parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Verify(string directory, TextWriter stdout)
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
