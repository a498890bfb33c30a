namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy.audit-logger</c>.</summary>
public sealed class AuditLoggerOptions : ConfigSection
{
    [ConfigKey("retention_days")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>Append-only files; any edit, deletion or reorder is detectable through the hash chain.</summary>
    [ConfigKey("immutable")]
    public bool Immutable { get; set; }

    /// <summary>Record every request, including health and model listing calls and rejected ones.</summary>
    [ConfigKey("log_all_access")]
    public bool LogAllAccess { get; set; }

    /// <summary>Directory of the JSON Lines files. Relative paths are relative to the config file.</summary>
    [ConfigKey("path")]
    public string Path { get; set; } = "audit";

    /// <summary>How prompt and completion text is kept: none, redacted or hashed.</summary>
    [ConfigKey("content")]
    public AuditContentMode Content { get; set; } = AuditContentMode.None;
}
