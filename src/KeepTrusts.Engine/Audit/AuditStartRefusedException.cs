namespace KeepTrusts.Engine.Audit;

/// <summary>
/// The audit writer will not start: another writer holds the directory, or the log no longer reaches the head it
/// recorded. The message says what was found and how to fix it; hosts print it and exit without a stack trace.
/// </summary>
public sealed class AuditStartRefusedException(string message) : IOException(message);
