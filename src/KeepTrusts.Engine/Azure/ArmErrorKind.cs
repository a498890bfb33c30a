namespace KeepTrusts.Engine.Azure;

/// <summary>What went wrong talking to ARM, in the terms a fix is chosen by.</summary>
public enum ArmErrorKind
{
    /// <summary>401: no or expired credential.</summary>
    Unauthenticated,

    /// <summary>403: the identity lacks a permission (role assignment).</summary>
    Forbidden,

    /// <summary>404: the resource id is wrong or the resource was deleted.</summary>
    NotFound,

    /// <summary>409: another operation is running, or the change clashes with existing state.</summary>
    Conflict,

    /// <summary>400: ARM rejected the request.</summary>
    BadRequest,

    /// <summary>ARM could not be reached (DNS, TLS, timeout).</summary>
    Unreachable,

    Other,
}
