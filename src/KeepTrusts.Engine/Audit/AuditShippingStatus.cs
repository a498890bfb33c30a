namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Where shipping stands: degraded while the last attempt failed; lag is the local bytes not yet in the blob (the local
/// files still hold them, so nothing is lost while degraded).
/// </summary>
public sealed record AuditShippingStatus(bool Degraded, long LagBytes, long Failures, string? LastError, DateTimeOffset? LastShipped);
