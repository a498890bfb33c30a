namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// The one handler every upstream call goes through: <c>echo://</c> to the built-in echo target, everything else
/// to a pooled <see cref="SocketsHttpHandler"/> (connections reused across requests, DNS refreshed every few minutes).
/// </summary>
public sealed class UpstreamHandler : DelegatingHandler
{
    private readonly EchoHandler _echo = new();
    private readonly HttpMessageInvoker _echoInvoker;

    public UpstreamHandler(HttpMessageHandler network)
        : base(network)
    {
        _echoInvoker = new HttpMessageInvoker(_echo);
    }

    public UpstreamHandler()
        : this(CreateNetworkHandler())
    {
    }

    public static SocketsHttpHandler CreateNetworkHandler(bool skipCertificateCheck = false)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxConnectionsPerServer = 256,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        if (skipCertificateCheck)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        return handler;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.RequestUri?.Scheme == "echo"
            ? _echoInvoker.SendAsync(request, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _echoInvoker.Dispose();
        }

        base.Dispose(disposing);
    }
}
