namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Which part of a request a record holds. A request that reaches a model gets two records: <see cref="Request"/>
/// (what is sent, after the request policies), on disk before the upstream call, and <see cref="Outcome"/> (what the
/// client got), written right after the answer. A request answered without a model call gets one <see cref="Complete"/>
/// record, as every record did before issue 16.
/// </summary>
public enum AuditRecordKind
{
    Complete,
    Request,
    Outcome,
}
