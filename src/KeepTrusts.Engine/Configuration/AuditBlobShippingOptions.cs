namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// <c>policy.audit-logger.ship_to_blob</c>: a copy of every audit file in an Azure Blob append blob per day, for a
/// container with a time-based retention (WORM) policy. Either <c>container_url</c> (Entra ID: managed identity or the
/// developer's sign-in) or <c>connection_string_ref</c> plus <c>container</c>.
/// </summary>
public sealed class AuditBlobShippingOptions : ConfigSection
{
    /// <summary>https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;, reached with Entra ID.</summary>
    [ConfigKey("container_url")]
    public string? ContainerUrl { get; set; }

    /// <summary>An environment variable holding a storage connection string (instead of Entra ID).</summary>
    [ConfigKey("connection_string_ref")]
    public SecretKeyRef? ConnectionStringRef { get; set; }

    /// <summary>The container, with connection_string_ref.</summary>
    [ConfigKey("container")]
    public string? Container { get; set; }

    /// <summary>Prepended to the blob names (audit-YYYY-MM-DD.jsonl), for example "gateway-west/".</summary>
    [ConfigKey("blob_prefix")]
    public string BlobPrefix { get; set; } = string.Empty;

    /// <summary>Least time between two appends: an append blob holds at most 50,000 blocks, and a day has 86,400 s.</summary>
    [ConfigKey("interval_seconds")]
    public double IntervalSeconds { get; set; } = 2;
}
