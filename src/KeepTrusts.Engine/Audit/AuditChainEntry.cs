using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>A parsed audit line: its chain fields, whether its own hash matches its bytes, and the record.</summary>
public readonly record struct AuditChainEntry(long Seq, string Prev, string Hash, bool HashMatches, JsonObject Record);
