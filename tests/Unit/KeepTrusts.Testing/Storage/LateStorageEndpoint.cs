using System.Net;
using System.Net.Sockets;

namespace KeepTrusts.Testing.Storage;

/// <summary>
/// A loopback port that refuses connections (nothing listens) until <see cref="Open"/>, then forwards every connection
/// byte for byte to a running Azurite: storage that comes up after the gateway, as when Azurite starts a moment after kt,
/// without a second Azurite start (seconds of CPU).
/// </summary>
public sealed class LateStorageEndpoint : IDisposable
{
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;

    public LateStorageEndpoint(int targetPort)
    {
        _targetPort = targetPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    /// <summary>Azurite's connection string with the blob endpoint on this (possibly not yet listening) port.</summary>
    public string ConnectionString(AzuriteServer azurite) =>
        azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Port}/", $"127.0.0.1:{Port}/", StringComparison.Ordinal);

    /// <summary>Starts listening; from now on connections reach Azurite.</summary>
    public void Open()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client, token);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken token)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                await target.ConnectAsync(IPAddress.Loopback, _targetPort, token).ConfigureAwait(false);
                var up = client.GetStream().CopyToAsync(target.GetStream(), token);
                var down = target.GetStream().CopyToAsync(client.GetStream(), token);
                await Task.WhenAny(up, down).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // A side closed: both sockets close with it.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Stop();
        _stop.Dispose();
    }
}
