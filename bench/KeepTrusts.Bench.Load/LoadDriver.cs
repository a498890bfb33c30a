using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// Open-loop load at a fixed rate (latency measured from each request's scheduled start, so a stall is not hidden by
/// sending less: no coordinated omission) and closed-loop load at a fixed concurrency.
/// </summary>
internal sealed class LoadDriver : IDisposable
{
    // A realistic ~1 KB chat request, benign (no PII, no injection), the same for every target.
    internal static readonly byte[] ChatRequest = Encoding.UTF8.GetBytes($$"""
        {"model":"gpt-4o","temperature":0.7,"max_tokens":512,"messages":[{"role":"system","content":"You are a helpful assistant for an operations team. Answer briefly and cite the Azure documentation page you used."},{"role":"user","content":"{{string.Join(' ', Enumerable.Repeat("We run Azure OpenAI behind private endpoints in two regions and want to know how to size the deployments for steady traffic.", 6))}}"}]}
        """);

    private static readonly byte[] StreamRequest = Encoding.UTF8.GetBytes("""
        {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Write a short poem about cloud computing."}]}
        """);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<LoadResult> RunFixedRateAsync(string url, int rate, TimeSpan duration, bool stream = false)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var firstBytes = new double[total];
        var errors = 0;
        var tasks = new Task[total];
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var index = sent;
                var scheduled = TimeSpan.FromSeconds((double)index / rate);
                tasks[index] = Task.Run(async () =>
                {
                    var lag = (clock.Elapsed - scheduled).TotalMilliseconds;
                    var ok = await SendAsync(url, stream).ConfigureAwait(false);
                    // Measured from when the request should have started, not when it did.
                    latencies[index] = (clock.Elapsed - scheduled).TotalMilliseconds;
                    firstBytes[index] = lag + (ok.FirstByteMs ?? 0);
                    if (!ok.Success)
                    {
                        Interlocked.Increment(ref errors);
                    }
                });
            }

            Thread.Sleep(1);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new LoadResult(latencies, stream ? firstBytes : null, errors, total / clock.Elapsed.TotalSeconds);
    }

    public async Task<LoadResult> RunConcurrentAsync(string url, bool stream, int concurrency, TimeSpan duration)
    {
        var latencies = new List<double>[concurrency];
        var firstBytes = new List<double>[concurrency];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            latencies[worker] = new List<double>(4096);
            firstBytes[worker] = new List<double>(4096);
            while (clock.Elapsed < duration)
            {
                var start = clock.Elapsed;
                var outcome = await SendAsync(url, stream).ConfigureAwait(false);
                latencies[worker].Add((clock.Elapsed - start).TotalMilliseconds);
                if (outcome.FirstByteMs is { } ttfb)
                {
                    firstBytes[worker].Add(ttfb);
                }

                if (!outcome.Success)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var all = latencies.SelectMany(l => l).ToArray();
        var ttfbs = stream ? firstBytes.SelectMany(l => l).ToArray() : null;
        return new LoadResult(all, ttfbs, errors, all.Length / clock.Elapsed.TotalSeconds);
    }

    private async Task<(bool Success, double? FirstByteMs)> SendAsync(string url, bool stream)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(stream ? StreamRequest : ChatRequest) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("api-key", "bench-key");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[8192];
            double? firstByte = null;
            var lastRead = new byte[0];
            var tail = new StringBuilder();
            int read;
            while ((read = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                firstByte ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (stream)
                {
                    tail.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    if (tail.Length > 64)
                    {
                        tail.Remove(0, tail.Length - 64);
                    }
                }
            }

            var complete = !stream || tail.ToString().Contains("[DONE]", StringComparison.Ordinal);
            if (response.StatusCode != HttpStatusCode.OK || !complete)
            {
                Failed(url, response.StatusCode != HttpStatusCode.OK ? $"HTTP {(int)response.StatusCode}" : "stream without [DONE]", started);
            }

            return (response.StatusCode == HttpStatusCode.OK && complete, stream ? firstByte : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            Failed(url, $"{ex.GetType().Name}: {ex.Message}" + (ex.InnerException is { } inner ? $" <- {inner.GetType().Name}: {inner.Message}" : string.Empty), started);
            return (false, null);
        }
    }

    /// <summary>Every failed request's kind, per target, with when it failed (seconds since the driver started).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Failures { get; } = new();

    private readonly Stopwatch _life = Stopwatch.StartNew();

    private void Failed(string url, string what, long started)
    {
        if (Failures.Count < 1000)
        {
            Failures.Enqueue(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_life.Elapsed.TotalSeconds:0.000}s {new Uri(url).Authority} after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms: {what}"));
        }
    }

    public void Dispose() => _http.Dispose();
}
