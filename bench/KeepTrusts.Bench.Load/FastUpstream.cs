using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// A fake Azure OpenAI that answers at once with precomputed bodies (chat, and streams of N chunks), optionally after
/// a fixed delay, or (<c>--slow-upstream</c>) after a delay drawn uniformly from a range, like a real model's 50–300 ms:
/// what the gateway adds is then the whole difference between direct and gateway latency.
/// </summary>
internal sealed class FastUpstream : IAsyncDisposable
{
    private static readonly byte[] ChatBody = Encoding.UTF8.GetBytes("""
        {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}],"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Azure AI services give you prebuilt models, enterprise security, regional data residency and pay-as-you-go pricing."},"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}],"usage":{"prompt_tokens":42,"completion_tokens":24,"total_tokens":66}}
        """);

    private readonly WebApplication _app;
    private readonly byte[][] _streamEvents;

    private FastUpstream(WebApplication app, byte[][] streamEvents, string url)
    {
        _app = app;
        _streamEvents = streamEvents;
        Url = url;
    }

    public string Url { get; }

    public static async Task<FastUpstream> StartAsync(int streamChunks, TimeSpan delay, TimeSpan? maxDelay = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var events = new List<byte[]>();
        events.Add(Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0}],\"created\":1700000000,\"id\":\"chatcmpl-bench\",\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\"}\n\n"));
        for (var i = 0; i < streamChunks; i++)
        {
            events.Add(Encoding.UTF8.GetBytes($"data: {{\"choices\":[{{\"delta\":{{\"content\":\"word{i} \"}},\"finish_reason\":null,\"index\":0}}],\"created\":1700000000,\"id\":\"chatcmpl-bench\",\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\"}}\n\n"));
        }

        events.Add(Encoding.UTF8.GetBytes("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"index\":0}],\"created\":1700000000,\"id\":\"chatcmpl-bench\",\"model\":\"gpt-4o\",\"object\":\"chat.completion.chunk\"}\n\ndata: [DONE]\n\n"));
        FastUpstream? upstream = null;
        app.MapPost("/openai/deployments/{deployment}/chat/completions", async context =>
        {
            if (maxDelay is { } max && max > delay)
            {
                await Task.Delay(delay + TimeSpan.FromTicks(Random.Shared.NextInt64((max - delay).Ticks)));
            }
            else if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            // Cheap stream detection without parsing: the bench clients send exactly this token.
            var streaming = context.Request.Query.ContainsKey("stream") || context.Request.Headers.ContainsKey("x-bench-stream");
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            if (!streaming && buffer.Length > 0 && Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Contains("\"stream\":true", StringComparison.Ordinal))
            {
                streaming = true;
            }

            if (!streaming)
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = ChatBody.Length;
                await context.Response.Body.WriteAsync(ChatBody);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            foreach (var e in upstream!._streamEvents)
            {
                await context.Response.Body.WriteAsync(e);
                await context.Response.Body.FlushAsync();
            }
        });
        await app.StartAsync();
        var url = app.Urls.First();
        upstream = new FastUpstream(app, events.ToArray(), url.TrimEnd('/'));
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
