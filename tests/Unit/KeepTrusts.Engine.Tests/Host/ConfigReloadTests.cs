using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>
/// Live reload in a real kt process: config edits apply without a restart while requests keep flowing, broken edits
/// are refused with their diagnostics while the old config serves, SIGHUP reloads, and /metrics counts both.
/// </summary>
public sealed partial class ConfigReloadTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-reload-").FullName;
    private KtProcess? _kt;
    private HttpClient? _http;

    private string ConfigPath => Path.Combine(_directory, "policy-config.yaml");

    private static string Config(string pack, string blocked, string extra = "", string auditPath = "audit") => $$"""
        pack: { name: {{pack}} }
        policies:
          chain: [safety-filter, audit-logger]
        policy:
          safety-filter:
            blocklist: [{{blocked}}]
          audit-logger:
            path: {{auditPath}}
        providers:
          targets:
            - { id: echo, provider: echo, model: gpt-4o }
        {{extra}}
        """;

    [Fact]
    public async Task Twenty_config_changes_under_load_fail_no_request_and_every_request_is_audited()
    {
        WriteConfig(Config("reload-0", "forbiddenword"));
        var (kt, http) = await StartGatewayAsync();

        using var stop = new CancellationTokenSource();
        var sent = new List<(string Id, HttpStatusCode Status)>();
        async Task ClientAsync(int client)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var id = $"load-{client}-{n}";
                var status = await ChatAsync(http, "hello there", id);
                lock (sent)
                {
                    sent.Add((id, status));
                }
            }
        }

        var clients = Enumerable.Range(0, 2).Select(c => Task.Run(() => ClientAsync(c))).ToArray();
        for (var i = 1; i <= 20; i++)
        {
            WriteConfig(Config($"reload-{i}", "forbiddenword"));
            await WaitForPackAsync(http, $"reload-{i}", kt);
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.True(sent.Count >= 20, $"only {sent.Count} requests were sent during the reloads");
        Assert.All(sent, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(20, Counter(metrics, "kt_config_reloads_total"));
        Assert.Equal(0, Counter(metrics, "kt_config_reload_failures_total"));

        // One audit writer across all 21 configs: every request has its record and the hash chain is whole.
        var audited = AuditLogReader.Read(Path.Combine(_directory, "audit")).Select(e => e.RequestId).ToHashSet(StringComparer.Ordinal);
        Assert.All(sent, r => Assert.Contains(r.Id, audited));
        Assert.True(AuditLogVerifier.Verify(Path.Combine(_directory, "audit")).IsValid);
    }

    [Fact]
    public async Task A_broken_edit_is_refused_with_its_diagnostics_and_the_old_policy_still_applies()
    {
        WriteConfig(Config("before", "forbiddenword"));
        var (kt, http) = await StartGatewayAsync();
        Assert.Equal(HttpStatusCode.BadRequest, await ChatAsync(http, "say forbiddenword", "before-broken"));

        // Broken: the blocklist would go, but the file also has a misspelt key and a bad value.
        WriteConfig(Config("broken", "otherword", "gateway:\n  max_request_body_bytes: -5\n  clinet_keys: []"));
        await WaitUntilAsync(async () => Counter(await http.GetStringAsync("/metrics"), "kt_config_reload_failures_total") == 1, kt, "the broken edit to be refused");
        await WaitUntilAsync(() => Task.FromResult(kt.StandardOutput.Contains("Config reload refused (file change)", StringComparison.Ordinal)), kt, "the refusal's log line");
        Assert.Equal(HttpStatusCode.BadRequest, await ChatAsync(http, "say forbiddenword", "after-broken"));
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(http, "say otherword", "after-broken-2"));
        Assert.Equal("before", await PackAsync(http));
        Assert.Contains("Config reload refused (file change)", kt.StandardOutput);
        Assert.Matches(@"policy-config\.yaml:\d+:\d+: error KT\d+: .*clinet_keys", kt.StandardOutput);
        Assert.Equal(0, Counter(await http.GetStringAsync("/metrics"), "kt_config_reloads_total"));

        // Fixed: the new blocklist applies; the audit path change needs a restart and is not half-applied.
        WriteConfig(Config("fixed", "otherword", auditPath: "audit-elsewhere"));
        await WaitForPackAsync(http, "fixed", kt);
        await WaitUntilAsync(() => Task.FromResult(kt.StandardOutput.Contains("Config change needs restart", StringComparison.Ordinal)), kt, "the needs-restart log line");
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(http, "say forbiddenword", "fixed-1"));
        Assert.Equal(HttpStatusCode.BadRequest, await ChatAsync(http, "say otherword", "fixed-2"));
        Assert.Contains("Config change needs restart: policy.audit-logger", kt.StandardOutput);
        Assert.Contains(AuditLogReader.Read(Path.Combine(_directory, "audit")), e => e.RequestId == "fixed-2");
        Assert.False(Directory.Exists(Path.Combine(_directory, "audit-elsewhere")));
    }

    [Fact]
    public async Task Sighup_reloads_the_config()
    {
        WriteConfig(Config("hup", "forbiddenword"));
        var (kt, http) = await StartGatewayAsync(defaultHangup: true);
        Assert.Equal(0, Counter(await http.GetStringAsync("/metrics"), "kt_config_reloads_total"));

        using (var hangup = Process.Start("kill", ["-HUP", kt.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await hangup.WaitForExitAsync();
        }

        await WaitUntilAsync(async () => Counter(await http.GetStringAsync("/metrics"), "kt_config_reloads_total") == 1, kt, "SIGHUP to reload the config");
        // The console logger writes on its own thread: the line may follow the counter by a moment.
        await WaitUntilAsync(() => Task.FromResult(kt.StandardOutput.Contains("(SIGHUP): generation 1", StringComparison.Ordinal)), kt, "the reload's log line");
        Assert.False(kt.HasExited);
        var fsyncsBefore = Counter(await http.GetStringAsync("/metrics"), "kt_audit_fsync_records_sum");
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(http, "hello", "after-hup"));
        // The reloaded generation's records are in the audit writer's histograms too (request and outcome record).
        await WaitUntilAsync(async () => Counter(await http.GetStringAsync("/metrics"), "kt_audit_fsync_records_sum") >= fsyncsBefore + 2, kt, "the reloaded generation's records in kt_audit_fsync_records");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_kt is not null)
        {
            await _kt.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>kt serving <see cref="ConfigPath"/> on a free loopback port, and a client for it; both end with the test.</summary>
    private async Task<(KtProcess Kt, HttpClient Http)> StartGatewayAsync(bool defaultHangup = false)
    {
        _kt = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", ConfigPath], defaultHangup: defaultHangup);
        var url = await _kt.WaitForListeningAsync(TimeSpan.FromSeconds(60));
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        return (_kt, _http);
    }

    /// <summary>Replaces the file in one step (write beside, rename over), as editors and config management do.</summary>
    private void WriteConfig(string yaml)
    {
        var temporary = Path.Combine(_directory, "policy-config.yaml.tmp");
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    private static async Task<HttpStatusCode> ChatAsync(HttpClient http, string content, string requestId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{content}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-request-id", requestId);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string?> PackAsync(HttpClient http) => JsonNode.Parse(await http.GetStringAsync("/readyz"))!["pack"]?.ToString();

    private static Task WaitForPackAsync(HttpClient http, string pack, KtProcess kt) =>
        WaitUntilAsync(async () => await PackAsync(http) == pack, kt, $"pack '{pack}' to be served");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, KtProcess kt, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting for {what}\nstdout:\n{kt.StandardOutput}\nstderr:\n{kt.StandardError}");
            await Task.Delay(25);
        }
    }

    private static double Counter(string metrics, string name) =>
        MetricLine().Matches(metrics).Where(m => m.Groups[1].Value == name).Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Single();

    [GeneratedRegex(@"^(\w+) ([0-9.eE+-]+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
