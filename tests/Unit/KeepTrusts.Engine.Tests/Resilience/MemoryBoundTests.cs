using System.Net;
using System.Text;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Testing;
using Xunit.Abstractions;

namespace KeepTrusts.Engine.Tests.Resilience;

/// <summary>
/// Issue 12's memory cases against a real kt process with its default limits: 50 MB upstream answers (plain and
/// streamed) and 4 MB requests of 100k messages, in parallel. Each gets its 502/400 and one small audit record, and
/// kt's peak RSS (VmHWM) stays under a bound. Before the limits one 50 MB answer took RSS from 104 to 899 MB and six
/// in parallel to 4.2 GB.
/// </summary>
public sealed class MemoryBoundTests(ITestOutputHelper output) : IDisposable
{
    private const long PeakBoundBytes = 450L * 1024 * 1024;
    private readonly string _work = Directory.CreateTempSubdirectory("kt-memory-").FullName;

    [Fact]
    public async Task Huge_upstream_answers_and_huge_requests_keep_kt_under_its_memory_bound_and_lose_no_record()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;   // VmHWM is read from /proc
        }

        await using var fake = await FakeAzureOpenAI.StartAsync(https: false);
        await using var kt = KtRedactingGateway.Start(_work, "memory", fake);
        var url = await kt.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };
        var baseline = Status(kt.ProcessId, "VmRSS:");
        var sent = 0;
        var phases = new List<string>();
        var bad = 0;

        async Task<(HttpStatusCode Status, string Body)> PostAsync(byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await http.PostAsync("/v1/chat/completions", content);
            Interlocked.Increment(ref sent);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // 50 MB upstream answers, six at a time, twice: plain bodies and then streams.
        foreach (var stream in new[] { false, true })
        {
            for (var round = 0; round < 2; round++)
            {
                fake.SetDefault("gpt-4o", FakeBehavior.Huge(50L * 1024 * 1024, stream));
                var body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""");
                var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(body)));
                phases.Add($"{(stream ? "stream" : "body")} round {round + 1}: peak {Status(kt.ProcessId, "VmHWM:") / 1024 / 1024} MB");
                foreach (var (status, text) in results)
                {
                    Interlocked.Increment(ref bad);
                    Assert.Contains("upstream_response_too_large", text);
                    Assert.Equal(stream ? HttpStatusCode.OK : HttpStatusCode.BadGateway, status);
                }
            }
        }

        // 4 MB requests of 100k messages, eight at a time, twice: 400 before any message is read.
        var huge = Encoding.UTF8.GetBytes("{\"model\":\"gpt-4o\",\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"xxxxxxxx\"}", 100_000)) + "]}");
        Assert.InRange(huge.Length, 3_500_000, 4 * 1024 * 1024);
        for (var round = 0; round < 2; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(huge)));
            phases.Add($"100k-message round {round + 1}: peak {Status(kt.ProcessId, "VmHWM:") / 1024 / 1024} MB");
            foreach (var (status, text) in results)
            {
                Interlocked.Increment(ref bad);
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Contains("too_many_messages", text);
            }
        }

        // Still serving normal traffic.
        fake.SetDefault("gpt-4o", FakeBehavior.Ok());
        for (var i = 0; i < 20; i++)
        {
            var (status, _) = await PostAsync(Encoding.UTF8.GetBytes("""{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}"""));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        var peak = Status(kt.ProcessId, "VmHWM:");
        kt.Terminate();
        await kt.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var records = AuditLogReader.Read(Path.Combine(_work, "audit")).ToList();
        var largest = File.ReadLines(Directory.GetFiles(Path.Combine(_work, "audit"), "audit-*.jsonl").Single()).Max(l => Encoding.UTF8.GetByteCount(l));
        var message = $"requests tried {sent}, bad inputs {bad}, audit records {records.Count} (lost {sent - records.Count}), largest record {largest} bytes, " +
                      $"kt RSS {baseline / 1024 / 1024} MB at start, peak {peak / 1024 / 1024} MB (bound {PeakBoundBytes / 1024 / 1024} MB); " + string.Join("; ", phases);
        output.WriteLine(message);
        Console.WriteLine("KeepTrusts memory bound: " + message);
        Assert.Equal(sent, records.Count);
        Assert.True(largest < 64 * 1024, message);
        Assert.True(peak < PeakBoundBytes, message);
    }

    private static long Status(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
