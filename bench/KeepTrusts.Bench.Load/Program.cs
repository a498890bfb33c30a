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

Console.WriteLine($"KeepTrusts gateway load benchmark — {Environment.ProcessorCount} cores, {RuntimeInfo()}");
Console.WriteLine($"rate {options.Rate}/s and concurrency {options.Concurrency} for {options.Seconds} s each (+{options.Warmup} s warm-up), streams of {options.StreamChunks} chunks at {options.StreamRate}/s and x{options.StreamConcurrency}");

// --slow-upstream: the fake answers in 50–300 ms, like a model, so work done while the call is in flight shows as free.
var slow = args.Contains("--slow-upstream");
await using var upstream = await FastUpstream.StartAsync(options.StreamChunks, slow ? TimeSpan.FromMilliseconds(50) : TimeSpan.Zero, slow ? TimeSpan.FromMilliseconds(300) : null);
Console.WriteLine(slow ? "upstream: answers after 50–300 ms (uniform)" : "upstream: answers at once");
var work = Directory.CreateTempSubdirectory("kt-bench-");
var noChain = await GatewayUnderTest.StartAsync("no-policies", Configs.Write(work.FullName, upstream.Url, fullChain: false));
var fullChain = await GatewayUnderTest.StartAsync("full-chain", Configs.Write(work.FullName, upstream.Url, fullChain: true));
var fullChainOs = await GatewayUnderTest.StartAsync("full-chain-no-fsync", Configs.Write(work.FullName, upstream.Url, fullChain: true, fsync: false));
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

foreach (var (name, url, gateway) in targets)
{
    var cpu = gateway?.Cpu();
    var result = await driver.RunFixedRateAsync(url, options.Rate, TimeSpan.FromSeconds(options.Seconds));
    rows.Add(ResultRow.From($"{options.Rate}/s fixed rate", name, result, gateway, cpu));
}

foreach (var (name, url, gateway) in targets)
{
    var cpu = gateway?.Cpu();
    var result = await driver.RunConcurrentAsync(url, stream: false, options.Concurrency, TimeSpan.FromSeconds(options.Seconds));
    rows.Add(ResultRow.From($"concurrency {options.Concurrency}", name, result, gateway, cpu));
}

var streamTargets = targets.Where(t => t.Name is "direct" or NginxFloor.RowName || t.Name.Contains("fsync per batch", StringComparison.Ordinal)).ToArray();
foreach (var (name, url, gateway) in streamTargets)
{
    await driver.RunConcurrentAsync(url, stream: true, 4, TimeSpan.FromSeconds(Math.Min(2, options.Warmup)));
    var cpu = gateway?.Cpu();
    var result = await driver.RunFixedRateAsync(url, options.StreamRate, TimeSpan.FromSeconds(options.Seconds), stream: true);
    rows.Add(ResultRow.From($"stream {options.StreamRate}/s fixed rate", name, result, gateway, cpu));
}

foreach (var (name, url, gateway) in streamTargets)
{
    var cpu = gateway?.Cpu();
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
