using System.Management.Automation;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// ARM failures as error records with stable ids scripts can catch on (KtArmForbidden, KtArmNotFound, KtArmConflict,
/// ...), the matching category and the resource id as target. The engine's exception is not attached, so no engine
/// or Azure type reaches the error stream; its message (resource, permission, fix) is.
/// </summary>
internal static class ArmErrorRecords
{
    public static ErrorRecord From(ArmRequestException error)
    {
        var (id, category, action) = error.Kind switch
        {
            ArmErrorKind.Forbidden => ("KtArmForbidden", ErrorCategory.PermissionDenied,
                $"Grant the identity '{error.Permission}' on {error.ResourceId} (or its resource group), then run again."),
            ArmErrorKind.NotFound => ("KtArmNotFound", ErrorCategory.ObjectNotFound, $"Check the id {error.ResourceId}: subscription, resource group, name."),
            ArmErrorKind.Conflict => ("KtArmConflict", ErrorCategory.ResourceBusy, "Wait for the other operation to finish, then run again (the command is idempotent)."),
            ArmErrorKind.Unauthenticated => ("KtArmUnauthenticated", ErrorCategory.AuthenticationError,
                "Enable a managed identity, sign in (Connect-AzAccount / az login), or pass -AccessToken."),
            ArmErrorKind.BadRequest => ("KtArmBadRequest", ErrorCategory.InvalidArgument, "Check the ids and names passed."),
            ArmErrorKind.Unreachable => ("KtArmUnreachable", ErrorCategory.ConnectionError, "Check -ArmEndpoint, the network path and proxy settings."),
            _ => ("KtArmRequestFailed", ErrorCategory.InvalidResult, "Run again with -Verbose to see the ARM calls."),
        };
        return ErrorRecords.Create(id, category, error.ResourceId, error.Message, action);
    }
}
