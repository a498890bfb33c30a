using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// The audit file's durable-write primitives. On Linux: <c>fdatasync</c> (the data and the metadata needed to read it
/// back — the file's size and block map — but not its timestamps) and <c>fallocate(FALLOC_FL_KEEP_SIZE)</c> (blocks
/// reserved past the end so appends do not allocate; the file's size and bytes do not change, so readers, the verifier
/// and the blob copy see the same file). Elsewhere: a full flush (<c>fsync</c>/<c>FlushFileBuffers</c>) and no
/// reservation.
/// </summary>
internal static partial class AuditFileSync
{
    private const int FallocKeepSize = 1;

    /// <summary>Makes everything written through <paramref name="handle"/> durable: its bytes and its size.</summary>
    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (FDataSync((int)handle.DangerousGetHandle()) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fdatasync of the audit log failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes of disk from <paramref name="offset"/> without changing the file's size.
    /// False when the file system or OS cannot (the appends then allocate as they go, as before); never throws for that.
    /// </summary>
    public static bool TryReserve(SafeFileHandle handle, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return FAllocate((int)handle.DangerousGetHandle(), FallocKeepSize, offset, length) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Gives back what <see cref="TryReserve"/> reserved past the file's end: truncates the file to its own current size
    /// (read here, so no byte of it can be cut). Best effort: an append-only (<c>chattr +a</c>) file refuses, and then
    /// keeps at most one reservation past its end.
    /// </summary>
    public static void ReleaseReserved(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux() || handle.IsClosed)
        {
            return;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            _ = FTruncate((int)handle.DangerousGetHandle(), RandomAccess.GetLength(handle));
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int FAllocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);
}
