using System.CommandLine;
using KeepTrusts.Engine.Audit;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt audit verify &lt;dir&gt; [--head-key-env NAME]</c>: exit 0 when the hash chain is intact and reaches its head
/// (signed with the key in NAME, when given), 1 naming the first bad record.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("dir") { Description = "The audit log directory (policy.audit-logger.path in the policy config, relative to that file; default audit)." };
        var headKeyEnv = new Option<string?>("--head-key-env") { Description = "An environment variable holding the HMAC key that signs audit-head.json (policy.audit-logger.head_key_ref)." };
        var command = new Command("verify", "Verify the audit log's hash chain and its anchored head; names the first record that was changed, removed or reordered, or a cut tail.") { directory, headKeyEnv };
        command.SetAction(parseResult => Verify(parseResult.GetValue(directory)!, parseResult.GetValue(headKeyEnv), parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Verify(string directory, string? headKeyEnv, TextWriter stdout)
    {
        if (!Directory.Exists(directory))
        {
            stdout.WriteLine($"kt audit verify: '{directory}' is not a directory; give the audit log directory (policy.audit-logger.path of the policy config, relative to that file; default audit)");
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
            var interrupted = result.Interrupted is { Count: > 0 } open ? $", {open.Count} interrupted request(s) (forwarded, no outcome recorded)" : string.Empty;
            stdout.WriteLine($"{directory}: chain intact, {result.RecordCount} record(s) in {result.Files.Count} file(s){interrupted}");
            return 0;
        }

        stdout.WriteLine(result.FirstBadLine is null
            ? $"{result.FirstBadFile}: {result.Reason}"
            : $"{result.FirstBadFile}:{result.FirstBadLine}: seq {result.FirstBadSeq}: {result.Reason}");
        stdout.WriteLine($"{directory}: chain BROKEN after {result.RecordCount} good record(s)");
        return 1;
    }
}
