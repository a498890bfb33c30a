namespace KeepTrusts.Engine.Configuration;

/// <summary>How much message content an audit record keeps.</summary>
public enum AuditContentMode
{
    None,
    Redacted,
    Hashed,
}
