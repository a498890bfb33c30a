using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KeepTrusts.Engine.Keys;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>Three real kt processes sharing one key store file, as three replicas on a shared volume would.</summary>
public sealed class ReplicaKeyRevocationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-replicas-").FullName;

    [Fact]
    public async Task Revoking_a_key_in_the_store_takes_effect_on_three_running_replicas_without_restart()
    {
        var store = Path.Combine(_directory, "keys.json");
        string secret;
        using (var keys = VirtualKeyStore.Open(store))
        {
            secret = keys.Add(new VirtualKeySpec { Alias = "team-a" }).Secret;
        }

        var config = Path.Combine(_directory, "policy-config.yaml");
        File.WriteAllText(config, """
            pack: { name: replicas }
            providers:
              targets:
                - { id: echo, provider: echo, model: gpt-4o }
            gateway:
              keys:
                store: keys.json
            """);

        var replicas = Enumerable.Range(0, 3)
            .Select(_ => KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config, "--quiet"]))
            .ToArray();
        try
        {
            var urls = await Task.WhenAll(replicas.Select(r => r.WaitForListeningAsync(TimeSpan.FromSeconds(60))));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var url in urls)
            {
                Assert.Equal(HttpStatusCode.OK, await ChatAsync(http, url, secret));
            }

            using (var cli = VirtualKeyStore.Open(store))
            {
                cli.Revoke("team-a");
            }

            var watch = Stopwatch.StartNew();
            foreach (var url in urls)
            {
                while (await ChatAsync(http, url, secret) != HttpStatusCode.Unauthorized)
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{url} still accepted the revoked key after 5 s");
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

    private static async Task<HttpStatusCode> ChatAsync(HttpClient http, string url, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
