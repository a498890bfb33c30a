using System.Management.Automation;

namespace KeepTrusts.PowerShell;

/// <summary>What Test-KtAuditLog and Get-KtAuditLog share: resolving the audit directory they are given.</summary>
public abstract class KtAuditLogCmdlet : KtCmdlet
{
    /// <summary>
    /// The file-system path of <paramref name="path"/>, or null after writing AuditDirectoryNotFound when there is no
    /// such directory (non-terminating, so the rest of a pipeline of directories still runs).
    /// </summary>
    protected string? ResolveAuditDirectory(string path)
    {
        var directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (Directory.Exists(directory))
        {
            return directory;
        }

        WriteError("AuditDirectoryNotFound", ErrorCategory.ObjectNotFound, path, $"Cannot find audit directory '{path}'.",
            "Give the audit-logger directory (policy.audit-logger.path, relative to the policy config).");
        return null;
    }
}
