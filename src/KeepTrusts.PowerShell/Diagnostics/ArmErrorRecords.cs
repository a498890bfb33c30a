using System.Management.Automation;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.PowerShell.Diagnostics;

/// <summary>
/// ARM failures as error records with stable ids scripts can catch on (KtArmForbidden, KtArmNotFound, KtArmConflict,
/// ...), the matching category and the resource id as target. The exception carried is a plain .NET one holding
/// the engine's message, so no engine or Azure type reaches the error stream.
/// </summary>
internal static class ArmErrorRecords
{
    public static ErrorRecord From(ArmRequestException error) => error.Kind switch
    {
        ArmErrorKind.Forbidden => new ErrorRecord(new UnauthorizedAccessException(error.Message), "KtArmForbidden", ErrorCategory.PermissionDenied, error.ResourceId),
        ArmErrorKind.NotFound => new ErrorRecord(new ItemNotFoundException(error.Message), "KtArmNotFound", ErrorCategory.ObjectNotFound, error.ResourceId),
        ArmErrorKind.Conflict => new ErrorRecord(new InvalidOperationException(error.Message), "KtArmConflict", ErrorCategory.ResourceBusy, error.ResourceId),
        ArmErrorKind.Unauthenticated => new ErrorRecord(new UnauthorizedAccessException(error.Message), "KtArmUnauthenticated", ErrorCategory.AuthenticationError, error.ResourceId),
        ArmErrorKind.BadRequest => new ErrorRecord(new ArgumentException(error.Message), "KtArmBadRequest", ErrorCategory.InvalidArgument, error.ResourceId),
        ArmErrorKind.Unreachable => new ErrorRecord(new InvalidOperationException(error.Message), "KtArmUnreachable", ErrorCategory.ConnectionError, error.ResourceId),
        _ => new ErrorRecord(new InvalidOperationException(error.Message), "KtArmRequestFailed", ErrorCategory.InvalidResult, error.ResourceId),
    };
}
