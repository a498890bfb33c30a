namespace KeepTrusts.Engine.Diagnostics;

/// <summary>What a TLS handshake with the private endpoint showed.</summary>
public sealed record TlsProbeResult(
    bool Connected,
    bool HandshakeCompleted,
    TimeSpan ConnectTime,
    TimeSpan HandshakeTime,
    string? CertificateSubject,
    IReadOnlyList<string> SubjectAlternativeNames,
    bool CertificateNamesHost,
    string? PolicyErrors,
    string? TlsProtocol,
    string? Error);
