using System.Diagnostics;
using System.Globalization;
using System.Text;
using KeepTrusts.Bench.Load;

// Gateway overhead, measured the way the peers publish theirs: a local upstream that answers at once, the same load
// direct and through kt, in one run; the gateway's added latency is gateway minus direct.
var options = BenchOptions.Parse(args);
if (args.Contains("--audit-writer"))
{
    await AuditWriterBench.RunAsync(writers: 16, options.Seconds);
    return;
}

// --audit-ab DIR [--rate N --seconds S]: this build's audit writer against another build's (DIR), alternating slices.
if (Array.IndexOf(args, "--audit-ab") is var ab and >= 0)
{
    await AuditDesignComparison.RunAsync(args[ab + 1], options.Rate, options.Seconds);
    return;
}

// --fsync-probe [--iterations N]: latency distribution of each durable-write primitive on this disk.
if (args.Contains("--fsync-probe"))
{
    var iterations = Array.IndexOf(args, "--iterations") is var it and >= 0 ? int.Parse(args[it + 1], CultureInfo.InvariantCulture) : 2000;
    DurablePrimitiveProbe.Run(iterations);
    return;
}

Console.WriteLine($"KeepTrusts gateway load benchmark — {Environment.ProcessorCount} cores, {RuntimeInfo()}");
Console.WriteLine($"rate {options.Rate}/s and concurrency {options.Concurrency} for {options.Seconds} s each (+{options.Warmup} s warm-up), streams of {options.StreamChunks} chunks at {options.StreamRate}/s and x{options.StreamConcurrency}");

// --slow-upstream: the fake answers in 50–300 ms, like a model, so work done while the call is in flight shows as free.
var slow = args.Contains("--slow-upstream");
await using var upstream = await FastUpstream.StartAsync(options.StreamChunks, slow ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero, slow ? TimeSpan.FromMilliseconds(300) : null);
Console.WriteLine(slow ? "upstream: answers after 50–300 ms (uniform)" : "upstream: answers at once");
var work = Directory.CreateTempSubdirectory("kt-bench-");
// KT_BENCH_A_KT=<dir with kt.dll or a native kt>: the A rows' kt (default: the kt.dll beside this program), so two
// Native AOT builds can be A and [B] of one run.
var aKt = Environment.GetEnvironmentVariable("KT_BENCH_A_KT") is { Length: > 0 } aDir ? aDir : null;
var noChain = await GatewayUnderTest.StartAsync("no-policies", Configs.Write(work.FullName, upstream.Url, fullChain: false), aKt);
var fullChain = await GatewayUnderTest.StartAsync("full-chain", Configs.Write(work.FullName, upstream.Url, fullChain: true), aKt);
var fullChainOs = await GatewayUnderTest.StartAsync("full-chain-no-fsync", Configs.Write(work.FullName, upstream.Url, fullChain: true, fsync: false), aKt);
// KT_BENCH_BASELINE_KT=<dir with kt.dll>: the same full-chain fsync row from another build (e.g. main before a change), same run.
var baselineKt = Environment.GetEnvironmentVariable("KT_BENCH_BASELINE_KT");
var baseline = baselineKt is { Length: > 0 } ? await GatewayUnderTest.StartAsync("baseline", Configs.Write(work.FullName, upstream.Url, fullChain: true, auditPath: "audit-baseline"), baselineKt) : null;
// KT_BENCH_B_ENV="DOTNET_X=1;…" and/or KT_BENCH_B_KT=<dir with kt.dll>: the no-policy and durable full-chain gateways
// once more with these settings or that build, as "[B]" rows: an A/B in one run, the rows interleaved with the A ones.
var bEnv = Environment.GetEnvironmentVariable("KT_BENCH_B_ENV");
var bKt = Environment.GetEnvironmentVariable("KT_BENCH_B_KT") is { Length: > 0 } bDir ? bDir : null;
var bRows = bEnv is { Length: > 0 } || bKt is not null
    ? new[]
    {
        ("gateway, no policies [B]", await GatewayUnderTest.StartAsync("no-policies-b", Configs.Write(work.FullName, upstream.Url, fullChain: false, auditPath: "no-policies-b"), bKt, bEnv)),
        ("gateway, full chain + audit (fsync per batch) [B]", await GatewayUnderTest.StartAsync("full-chain-b", Configs.Write(work.FullName, upstream.Url, fullChain: true, auditPath: "audit-b"), bKt, bEnv)),
    }
    : [];
var directPath = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
var directUrl = upstream.Url + directPath;
// The floor for one hop: nginx proxying to the same fake upstream, measured in this same run.
var nginx = NginxFloor.Find() is { } nginxPath ? await NginxFloor.StartAsync(nginxPath, upstream.Url, work.FullName) : null;
if (nginx is null)
{
    Console.WriteLine("nginx not found (PATH, /usr/sbin): the nginx floor row and the ratios to it are skipped. Install it with: apt-get install nginx-light");
}

var targets = new (string Name, string Url, IMeasuredTarget? Gateway)[]
{
    ("direct", directUrl, null),
    (NginxFloor.RowName, nginx?.Url + directPath, nginx),
    ("gateway, no policies", noChain.Url + "/v1/chat/completions", noChain),
    ("gateway, full chain + audit (fsync per batch)", fullChain.Url + "/v1/chat/completions", fullChain),
    ("gateway, full chain + audit (fsync: false)", fullChainOs.Url + "/v1/chat/completions", fullChainOs),
};
foreach (var (bName, bGateway) in bRows)
{
    var a = Array.FindIndex(targets, t => t.Name == bName[..^4]);
    targets = [.. targets[..(a + 1)], (bName, bGateway.Url + "/v1/chat/completions", bGateway), .. targets[(a + 1)..]];
}

if (baseline is not null)
{
    targets = [.. targets, ("baseline kt, full chain + audit (fsync per batch)", baseline.Url + "/v1/chat/completions", baseline)];
}


targets = targets.Where(t => t.Name != NginxFloor.RowName || nginx is not null).ToArray();
// --only TEXT: the direct and nginx rows plus the gateways whose name contains TEXT (e.g. to profile one of them).
if (Array.IndexOf(args, "--only") is var only and >= 0 && only + 1 < args.Length)
{
    targets = targets.Where(t => t.Gateway is not GatewayUnderTest || t.Name.Contains(args[only + 1], StringComparison.Ordinal)).ToArray();
}

var rows = new List<ResultRow>();
using var driver = new LoadDriver();
foreach (var (name, url, gateway) in targets)
{
    await driver.RunConcurrentAsync(url, stream: false, options.Concurrency, TimeSpan.FromSeconds(options.Warmup));
}

// --audit-timings: the audit writer's queue/write/fsync/head histograms of each audited gateway, per fixed-rate row.
var auditTimings = args.Contains("--audit-timings");
using var scrape = new HttpClient();
// --rounds N: the fixed-rate rows N times over, interleaved (round r of every target before round r+1), so on a shared
// machine each round's rows see about the same background load; added figures compare within a round.
var rounds = Array.IndexOf(args, "--rounds") is var ri and >= 0 ? int.Parse(args[ri + 1], CultureInfo.InvariantCulture) : 1;
// --streams-only: only the stream rows (fixed rate and x8), both in every round, interleaved, for A/B runs of the streaming path.
var streamsOnly = args.Contains("--streams-only");
// --closed-loop-only: only the concurrency rows, --rounds times (even rounds in reverse order), for A/B runs of CPU per
// request at saturation.
var closedLoopOnly = args.Contains("--closed-loop-only");
for (var round = 1; round <= (streamsOnly || closedLoopOnly ? 0 : rounds); round++)
{
    var load = rounds == 1 ? $"{options.Rate}/s fixed rate" : $"{options.Rate}/s fixed rate, round {round}";
    foreach (var (name, url, gateway) in targets)
    {
        var timed = auditTimings && name.Contains("audit", StringComparison.Ordinal) && gateway is GatewayUnderTest g ? g : null;
        var timingsBefore = timed is null ? null : await AuditTimings.ScrapeAsync(scrape, timed.Url);
        var cpu = gateway?.RowStart();
        var result = await driver.RunFixedRateAsync(url, options.Rate, TimeSpan.FromSeconds(options.Seconds));
        rows.Add(ResultRow.From(load, name, result, gateway, cpu));
        if (timed is not null)
        {
            AuditTimings.Print($"{load}, {name}", timingsBefore!, await AuditTimings.ScrapeAsync(scrape, timed.Url));
        }
    }

    Console.WriteLine($"{load} done, load average {File.ReadAllText("/proc/loadavg").Trim()}");
}

// --skip-closed-loop: only the fixed-rate rows (chat and stream), for A/B runs of latency on a shared machine.
var closedLoop = !args.Contains("--skip-closed-loop");
foreach (var round in Enumerable.Range(1, closedLoopOnly ? rounds : 1))
{
    foreach (var (name, url, gateway) in !closedLoop || streamsOnly ? [] : round % 2 == 0 ? targets.Reverse() : targets)
    {
        var cpu = gateway?.RowStart();
        var result = await driver.RunConcurrentAsync(url, stream: false, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
        rows.Add(ResultRow.From(closedLoopOnly && rounds > 1 ? $"concurrency {options.Concurrency}, round {round}" : $"concurrency {options.Concurrency}", name, result, gateway, cpu));
    }

    if (closedLoopOnly)
    {
        Console.WriteLine($"concurrency round {round} done, load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}

// --stream-all-gateways: stream rows for every gateway (no policies, `fsync: false` too), so a stream's added first byte
// splits into the hop, the policies and record write, and the wait for the record's fsync, all in one run.
var streamAll = args.Contains("--stream-all-gateways");
var streamTargets = targets.Where(t => t.Name is "direct" or NginxFloor.RowName || streamAll || t.Name.Contains("fsync per batch", StringComparison.Ordinal)).ToArray();
foreach (var round in Enumerable.Range(1, closedLoopOnly ? 0 : rounds))
{
    foreach (var (name, url, gateway) in streamTargets)
    {
        var streamLoad = rounds == 1 ? $"stream {options.StreamRate}/s fixed rate" : $"stream {options.StreamRate}/s fixed rate, round {round}";
        await driver.RunConcurrentAsync(url, stream: true, 4, TimeSpan.FromSeconds(Math.Min(2, options.Warmup)));
        var timed = auditTimings && gateway is GatewayUnderTest g ? g : null;
        var timingsBefore = timed is null ? null : await AuditTimings.ScrapeAsync(scrape, timed.Url);
        var cpu = gateway?.RowStart();
        var result = await driver.RunFixedRateAsync(url, options.StreamRate, TimeSpan.FromSeconds(options.Seconds), stream: true);
        rows.Add(ResultRow.From(streamLoad, name, result, gateway, cpu));
        if (timed is not null)
        {
            AuditTimings.Print($"{streamLoad}, {name}", timingsBefore!, await AuditTimings.ScrapeAsync(scrape, timed.Url));
        }
    }

    if (streamsOnly)
    {
        // Even rounds in reverse order, so neither build of an A/B always runs first.
        foreach (var (name, url, gateway) in round % 2 == 0 ? streamTargets.Reverse() : streamTargets)
        {
            var cpu = gateway?.RowStart();
            var result = await driver.RunConcurrentAsync(url, stream: true, options.StreamConcurrency, TimeSpan.FromSeconds(options.Seconds));
            rows.Add(ResultRow.From($"stream x{options.StreamConcurrency}, round {round}", name, result, gateway, cpu));
        }

        Console.WriteLine($"stream round {round} done, load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}

foreach (var (name, url, gateway) in closedLoop && !streamsOnly && !closedLoopOnly ? streamTargets : [])
{
    var cpu = gateway?.RowStart();
    var result = await driver.RunConcurrentAsync(url, stream: true, options.StreamConcurrency, TimeSpan.FromSeconds(options.Seconds));
    rows.Add(ResultRow.From($"stream x{options.StreamConcurrency}", name, result, gateway, cpu));
}

Console.WriteLine();
Console.WriteLine(ResultRow.Table(rows));
if (nginx is not null)
{
    Console.WriteLine(FloorComparison.Table(rows));
}

// What failed, where and when, so an error count is explained rather than just counted.
foreach (var group in driver.Failures.GroupBy(f => f[(f.IndexOf(" ms: ", StringComparison.Ordinal) + 5)..]).Take(20))
{
    Console.WriteLine($"failed x{group.Count()}: first {group.First()}");
}

var audited = fullChain.AuditRecordCount(Path.Combine(work.FullName, "audit"));
Console.WriteLine($"audit lines written by the full-chain gateway (a forwarded request has a request and an outcome record): {audited}");
await noChain.DisposeAsync();
await fullChain.DisposeAsync();
await fullChainOs.DisposeAsync();
if (nginx is not null)
{
    await nginx.DisposeAsync();
}
if (baseline is not null)
{
    await baseline.DisposeAsync();
}

foreach (var (_, bGateway) in bRows)
{
    await bGateway.DisposeAsync();
}

try
{
    work.Delete(recursive: true);
}
catch (IOException)
{
}

static string RuntimeInfo() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

internal sealed record BenchOptions(int Rate, int Seconds, int Warmup, int Concurrency, int StreamChunks, int StreamConcurrency, int StreamRate)
{
    public static BenchOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        return args.Contains("--quick")
            ? new BenchOptions(Get("--rate", 500), Get("--seconds", 3), Get("--warmup", 1), Get("--concurrency", 16), Get("--stream-chunks", 20), Get("--stream-concurrency", 8), Get("--stream-rate", 100))
            : new BenchOptions(Get("--rate", 1000), Get("--seconds", 15), Get("--warmup", 5), Get("--concurrency", 32), Get("--stream-chunks", 20), Get("--stream-concurrency", 8), Get("--stream-rate", 200));
    }
}
