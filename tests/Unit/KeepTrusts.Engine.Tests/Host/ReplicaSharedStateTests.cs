using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Keys;
using KeepTrusts.Testing;
using KeepTrusts.Testing.Redis;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>
/// Three real kt processes sharing one real redis-server (gateway.state.redis): a key's limit holds across all three,
/// and a breaker opened through one replica is open on the others.
/// </summary>
public sealed class ReplicaSharedStateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-shared-").FullName;

    [RequiresRedisFact]
    public async Task Three_replicas_allow_a_keys_60_requests_per_minute_in_total_and_share_an_opened_breaker()
    {
        using var redis = RedisServer.Start();
        string secret, unlimited;
        using (var keys = VirtualKeyStore.Open(Path.Combine(_directory, "keys.json")))
        {
            secret = keys.Add(new VirtualKeySpec { Alias = "team-a", RequestsPerMinute = 60 }).Secret;
            unlimited = keys.Add(new VirtualKeySpec { Alias = "ops" }).Secret;
        }

        var config = Path.Combine(_directory, "policy-config.yaml");
        File.WriteAllText(config, $$"""
            pack: { name: replicas }
            providers:
              targets:
                - { id: echo, provider: echo, model: gpt-4o }
                - id: down
                  provider: openai
                  model: gpt-down
                  base_url: http://127.0.0.1:9/v1
                  secret_key_ref: { env: KT_TEST_DOWN_KEY }
                  retry: { max_retries: 0 }
                  circuit_breaker: { consecutive_failures: 2, break_seconds: 120 }
            gateway:
              keys:
                store: keys.json
              state:
                redis:
                  connection_string: "{{redis.ConnectionString}}"
                  command_timeout_ms: 5000   # this tests sharing, not the fallback on a slow machine
            """);

        var environment = new Dictionary<string, string> { ["KT_TEST_DOWN_KEY"] = "sk-test-down-123" };
        var replicas = Enumerable.Range(0, 3)
            .Select(_ => KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config, "--quiet"], environment))
            .ToArray();
        try
        {
            var urls = await Task.WhenAll(replicas.Select(r => r.WaitForListeningAsync(TimeSpan.FromSeconds(60))));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var url in urls)
            {
                await WaitForSharedStateAsync(http, url);
            }

            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 90; i++)
            {
                statuses.Add(await ChatAsync(http, urls[i % 3], secret, "gpt-4o"));
            }

            var allowed = statuses.Count(s => s == HttpStatusCode.OK);
            Assert.InRange(allowed, 59, 61);
            Assert.Equal(90 - allowed, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

            // Two failed calls through replica 0 open the breaker of 'down'; replicas 1 and 2 never called it.
            Assert.Equal(HttpStatusCode.BadGateway, await ChatAsync(http, urls[0], unlimited, "gpt-down"));
            Assert.Equal(HttpStatusCode.BadGateway, await ChatAsync(http, urls[0], unlimited, "gpt-down"));
            var watch = Stopwatch.StartNew();
            foreach (var url in urls[1..])
            {
                while (await CircuitAsync(http, url, "down") != "open")
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{url} did not see the breaker opened through another replica within 5 s");
                    await Task.Delay(50);
                }
            }

            Assert.All(replicas, r => Assert.False(r.HasExited));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task WaitForSharedStateAsync(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var ready = JsonNode.Parse(await http.GetStringAsync(url + "/readyz"))!;
            if (ready["state"]?.ToString() == "shared")
            {
                return;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{url} /readyz state is '{ready["state"]}', not 'shared', after 10 s");
            await Task.Delay(50);
        }
    }

    private static async Task<string?> CircuitAsync(HttpClient http, string url, string target)
    {
        using var response = await http.GetAsync(url + "/readyz");
        var ready = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return ready["targets"]!.AsArray().Single(t => t!["id"]!.ToString() == target)!["circuit"]?.ToString();
    }

    private static async Task<HttpStatusCode> ChatAsync(HttpClient http, string url, string key, string model)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
