namespace KeepTrusts.Engine.Hosting;

/// <summary>Why a gateway did not start; the cmdlet turns each into its own error id.</summary>
public enum GatewayStartFailure
{
    /// <summary>The listen address is in use or not permitted.</summary>
    CannotListen,

    /// <summary>The policy config has errors.</summary>
    InvalidConfig,

    /// <summary>The audit log cannot start: another gateway writes to its directory, or its tail was cut.</summary>
    AuditLogUnavailable,

    /// <summary>Neither a self-contained kt nor a .NET runtime to run kt.dll was found.</summary>
    RuntimeMissing,

    /// <summary>kt exited before it was ready for another reason.</summary>
    Exited,

    /// <summary>kt kept running but did not answer /readyz in time.</summary>
    NotReady,
}
