using System.Diagnostics;
using System.Net;
using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>Virtual keys from gateway.keys.store authenticate at a running kt server, and a revocation applies without restart.</summary>
public sealed class VirtualKeyGatewayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-gw-keys-").FullName;

    private string StorePath => Path.Combine(_directory, "keys.json");

    [Fact]
    public async Task Virtual_key_is_accepted_and_stops_working_within_seconds_of_being_revoked()
    {
        string secret;
        using (var keys = VirtualKeyStore.Open(StorePath))
        {
            secret = keys.Add(new VirtualKeySpec { Alias = "team-a" }).Secret;
            keys.Add(new VirtualKeySpec { Alias = "off", Disabled = true });
        }

        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + $"""

            gateway:
              client_keys:
                - {"{"} id: app1, secret_key_ref: {"{"} env: KT_TEST_CLIENT_KEY {"}"} {"}"}
              keys:
                store: {StorePath}
            """);

        using var accepted = await harness.ChatAsync(bearer: secret);
        using var configKey = await harness.ChatAsync(bearer: "client-secret-key-123");
        using var unknown = await harness.ChatAsync(bearer: VirtualKeyStore.SecretPrefix + "not-a-key");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, configKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        using (var cli = VirtualKeyStore.Open(StorePath))
        {
            cli.Revoke("team-a");
        }

        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the revoked key was still accepted after 5 s");
            await Task.Delay(50);
            using var response = await harness.ChatAsync(bearer: secret);
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.Unauthorized);

        using var stillFine = await harness.ChatAsync(bearer: "client-secret-key-123");
        Assert.Equal(HttpStatusCode.OK, stillFine.StatusCode);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
