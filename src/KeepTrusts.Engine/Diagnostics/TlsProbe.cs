using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>
/// A TCP connect and TLS handshake to one address with SNI = the FQDN (what curl --resolve does in the seed's
/// checklist). Never sends an HTTP request. Callers decide whether an address may be connected to at all.
/// </summary>
public static class TlsProbe
{
    public static async Task<TlsProbeResult> HandshakeAsync(IPAddress address, int port, string hostName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var tcp = new TcpClient(address.AddressFamily);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await tcp.ConnectAsync(address, port, timeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0} s (timeout: typically an NSG or route dropping the packets)") : ex.Message;
            return new TlsProbeResult(false, false, stopwatch.Elapsed, TimeSpan.Zero, null, [], false, null, null, string.Create(CultureInfo.InvariantCulture, $"TCP connect to {address}:{port} failed: {reason}"));
        }

        var connectTime = stopwatch.Elapsed;
        X509Certificate2? certificate = null;
        SslPolicyErrors errors = SslPolicyErrors.None;
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var handshake = Stopwatch.StartNew();
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = hostName,
                    RemoteCertificateValidationCallback = (_, cert, _, policyErrors) =>
                    {
                        certificate = cert is null ? null : new X509Certificate2(cert);
                        errors = policyErrors;
                        return true; // Judged below, so the result can say exactly what is wrong.
                    },
                },
                timeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new TlsProbeResult(true, false, connectTime, handshake.Elapsed, null, [], false, null, null, string.Create(CultureInfo.InvariantCulture, $"TLS handshake with {address}:{port} failed: {ex.Message}"));
        }

        handshake.Stop();
        using (certificate)
        {
            var sans = certificate?.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList() ?? [];
            var namesHost = certificate?.MatchesHostname(hostName) ?? false;
            return new TlsProbeResult(
                true,
                true,
                connectTime,
                handshake.Elapsed,
                certificate?.Subject,
                sans,
                namesHost,
                errors == SslPolicyErrors.None ? null : errors.ToString(),
                ssl.SslProtocol.ToString(),
                null);
        }
    }
}
