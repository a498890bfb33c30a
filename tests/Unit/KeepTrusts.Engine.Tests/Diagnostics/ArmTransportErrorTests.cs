using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Azure;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Testing;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Engine.Tests.Diagnostics;

/// <summary>Failures another attempt cannot fix are KtArmUnreachable with their cause after one attempt, not "Retry failed after 4 tries".</summary>
public sealed class ArmTransportErrorTests
{
    private const string PrivateEndpointId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe";

    private static ArmConnectionOptions Options(Uri endpoint) => new()
    {
        ArmEndpoint = endpoint,
        AccessToken = ArmResourcesTests.Token(),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task An_untrusted_server_certificate_fails_after_one_attempt_and_names_the_certificate()
    {
        // An HTTPS server whose self-signed certificate the client does not trust; it counts TCP connections (attempts).
        var connections = 0;
        var (app, url) = await LoopbackApp.StartAsync(context => context.Response.WriteAsync("{}"), listen =>
        {
            listen.Use(next => context =>
            {
                Interlocked.Increment(ref connections);
                return next(context);
            });
            listen.UseHttps(TestCertificates.Create("localhost", "127.0.0.1"));
        });
        await using var _ = app;
        var arm = new ArmResources(Options(new Uri(url + "/")));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => arm.GetAsync(PrivateEndpointId, CancellationToken.None));

        Assert.Equal(ArmErrorKind.Unreachable, error.Kind);
        Assert.Contains("TLS certificate was rejected", error.Message);
        Assert.Contains("UntrustedRoot", error.Message);
        Assert.DoesNotContain("Retry failed", error.Message);
        Assert.Equal(1, Volatile.Read(ref connections));
    }

    [Fact]
    public async Task A_refused_connection_is_unreachable_with_its_cause_and_counts_as_permanent()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();   // nothing listens there now: connections are refused
        var arm = new ArmResources(Options(new Uri($"https://127.0.0.1:{port}/")));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => arm.GetAsync(PrivateEndpointId, CancellationToken.None));

        Assert.Equal(ArmErrorKind.Unreachable, error.Kind);
        Assert.Contains("connection was refused", error.Message);
        Assert.True(ArmErrorTranslator.TransportCause(error.InnerException!)!.Permanent);   // what ArmRetryPolicy declines to retry
    }

    [Fact]
    public void A_name_that_does_not_resolve_is_unreachable_and_permanent()
    {
        // Decided on the exception the transport raises (no DNS query leaves this machine in tests).
        var dns = new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (arm.example.invalid:443)",
            new SocketException((int)SocketError.HostNotFound));
        var wrapped = new RequestFailedException(0, dns.Message, dns);

        var cause = ArmErrorTranslator.TransportCause(wrapped);
        var error = ArmErrorTranslator.Translate(wrapped, PrivateEndpointId, "read");

        Assert.True(cause!.Permanent);
        Assert.Equal(ArmErrorKind.Unreachable, error.Kind);
        Assert.Contains("could not be resolved", error.Message);
    }

    [Fact]
    public void A_timeout_stays_retryable_and_retries_that_all_failed_are_classified_by_the_last_one()
    {
        var timeout = new RequestFailedException(0, "timed out", new TaskCanceledException("The operation was canceled."));
        var refused = new RequestFailedException(0, "refused", new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.False(ArmErrorTranslator.TransportCause(timeout)!.Permanent);
        var error = ArmErrorTranslator.Translate(new AggregateException("Retry failed after 4 tries.", timeout, refused), PrivateEndpointId, "read");
        Assert.Equal(ArmErrorKind.Unreachable, error.Kind);
        Assert.Contains("refused", error.Message);
    }
}
