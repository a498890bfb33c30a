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

    /// <summary>
    /// true (default): each batch of records is fsynced to disk before the requests are answered, so an answered request
    /// survives a power loss. false: records reach the operating system before the answer (a killed gateway still loses
    /// none) and are fsynced once a second, trading up to a second of records on power loss for ~1 ms less latency.
    /// </summary>
    [ConfigKey("fsync")]
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// Optional HMAC key (an environment variable, at least 32 characters) that signs <c>audit-head.json</c>, so someone
    /// who can edit the audit files but does not hold the key cannot forge a head for a shortened log.
    /// </summary>
    [ConfigKey("head_key_ref")]
    public SecretKeyRef? HeadKeyRef { get; set; }

    /// <summary>Optional copy of the audit files in Azure Blob append blobs (see <see cref="AuditBlobShippingOptions"/>).</summary>
    [ConfigKey("ship_to_blob")]
    public AuditBlobShippingOptions? ShipToBlob { get; set; }

    /// <summary>How prompt and completion text is kept: none, redacted or hashed.</summary>
    [ConfigKey("content")]
    public AuditContentMode Content { get; set; } = AuditContentMode.None;
}
