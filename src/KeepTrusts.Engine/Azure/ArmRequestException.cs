namespace KeepTrusts.Engine.Azure;

/// <summary>
/// An ARM failure translated into what the user needs: the resource, the operation, the permission that is missing
/// (for 403) and how to fix it. <see cref="Exception.Message"/> is written for a person and contains no token.
/// </summary>
public sealed class ArmRequestException : Exception
{
    public ArmRequestException(ArmErrorKind kind, int status, string resourceId, string operation, string? permission, string? armCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Status = status;
        ResourceId = resourceId;
        Operation = operation;
        Permission = permission;
        ArmCode = armCode;
    }

    public ArmErrorKind Kind { get; }

    /// <summary>HTTP status, or 0 when ARM was not reached.</summary>
    public int Status { get; }

    public string ResourceId { get; }

    /// <summary>"read", "list" or "write".</summary>
    public string Operation { get; }

    /// <summary>The RBAC action that was denied (403) or needed, e.g. Microsoft.Network/privateDnsZones/write.</summary>
    public string? Permission { get; }

    /// <summary>ARM's own error code (AuthorizationFailed, ResourceNotFound, Conflict, ...).</summary>
    public string? ArmCode { get; }
}
