using System.Net;
using System.Net.Http.Headers;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// A fake upstream (an HttpMessageHandler under the gateway's own HttpClient) that answers each call with the body the
/// current fuzz case generated: its status, content type and bytes, as one buffer or as a stream.
/// </summary>
internal sealed class GeneratedUpstream : HttpMessageHandler
{
    private static readonly AsyncLocal<UpstreamAnswer?> Current = new();

    public static UpstreamAnswer? Answer
    {
        get => Current.Value;
        set => Current.Value = value;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        var answer = Current.Value ?? new UpstreamAnswer(200, "application/json", """{"choices":[]}"""u8.ToArray(), Cut: false);
        HttpContent content = answer.Cut
            ? new StreamContent(new CutStream(answer.Body))
            : new ByteArrayContent(answer.Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType);
        return new HttpResponseMessage((HttpStatusCode)answer.Status) { Content = content, RequestMessage = request };
    }

    /// <summary>Gives its bytes, then fails the read the way a reset connection does.</summary>
    private sealed class CutStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= Length)
            {
                throw new IOException("connection reset by the fake upstream");
            }

            return base.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= Length ? throw new IOException("connection reset by the fake upstream") : base.Read(buffer, offset, count);
    }
}

internal sealed record UpstreamAnswer(int Status, string ContentType, byte[] Body, bool Cut);
