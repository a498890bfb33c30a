using System.Globalization;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// One writer per audit directory: an exclusive OS lock on <c>audit.lock</c>, held for the writer's lifetime. .NET opens
/// FileShare.None files with an exclusive lock (flock LOCK_EX on Unix, a share-mode lock on Windows), which the OS drops
/// when the process dies, so a crashed gateway never leaves a stale lock. The holder's pid is kept beside it in
/// <c>audit.lock.owner</c>, because the locked file cannot be read by anyone else.
/// </summary>
public sealed class AuditDirectoryLock : IDisposable
{
    public const string LockFile = "audit.lock";
    public const string OwnerFile = "audit.lock.owner";

    private readonly FileStream _lock;

    private AuditDirectoryLock(FileStream handle) => _lock = handle;

    /// <exception cref="AuditStartRefusedException">Another writer (in this or another process) holds the directory.</exception>
    public static AuditDirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, LockFile);
        FileStream handle;
        try
        {
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            throw new AuditStartRefusedException(
                $"the audit directory {directory} is in use by another audit writer ({Holder(directory)}). Two writers on one directory " +
                "break the hash chain: stop the other gateway, or give this one its own policy.audit-logger.path.");
        }

        var owner = string.Create(CultureInfo.InvariantCulture, $"pid={Environment.ProcessId} host={Environment.MachineName} process={ProcessName()} since={DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}\n");
        File.WriteAllText(Path.Combine(directory, OwnerFile), owner);
        return new AuditDirectoryLock(handle);
    }

    /// <summary>The holder as recorded in the owner file, for the refusal message.</summary>
    private static string Holder(string directory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(directory, OwnerFile)).Trim();
            return text.Length == 0 ? "holder unknown" : "held by " + text;
        }
        catch (IOException)
        {
            return "holder unknown";
        }
    }

    // The executable's name (kt, or dotnet for `dotnet kt.dll`), as Process.ProcessName gives it, without loading
    // System.Diagnostics.Process into every audited gateway for one string.
    private static string ProcessName() => Path.GetFileNameWithoutExtension(Environment.ProcessPath) ?? "unknown";

    public void Dispose() => _lock.Dispose();
}
