namespace KeepTrusts.Testing;

/// <summary>One request a fake received, as it arrived.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    string Deployment,
    string Operation,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt);
