namespace KeepTrusts.Engine.Hosting;

/// <summary>kt's exit codes, shared by kt and the engine that supervises it (Start-KtGateway).</summary>
public static class KtExitCodes
{
    public const int Success = 0;

    /// <summary>Invalid input: a config with errors, a broken audit chain.</summary>
    public const int InvalidInput = 1;

    /// <summary>Usage error: unknown command or option, bad option value.</summary>
    public const int Usage = 2;

    /// <summary>The listen address is in use or not permitted.</summary>
    public const int CannotListen = 3;

    /// <summary>The audit log cannot start: another writer holds its directory, or its tail was cut.</summary>
    public const int AuditUnavailable = 4;
}
