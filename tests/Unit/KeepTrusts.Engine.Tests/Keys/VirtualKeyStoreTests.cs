using System.Diagnostics;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Engine.Tests.Keys;

public sealed class VirtualKeyStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-keys-").FullName;

    private string StorePath => Path.Combine(_directory, "keys.json");

    [Fact]
    public void Added_key_is_found_by_its_secret_and_the_file_holds_no_secret()
    {
        using var store = VirtualKeyStore.Open(StorePath);

        var created = store.Add(new VirtualKeySpec { Alias = "team-a", AllowedModels = ["gpt-4o"], RequestsPerMinute = 60, BudgetUsdPerDay = 5m });

        Assert.StartsWith(VirtualKeyStore.SecretPrefix, created.Secret);
        Assert.True(created.Secret.Length >= 40);
        Assert.Equal("team-a", store.FindBySecret(created.Secret)?.Alias);
        Assert.Null(store.FindBySecret(created.Secret + "x"));
        Assert.Null(store.FindBySecret("kt-vk-guess"));
        var text = File.ReadAllText(StorePath);
        Assert.DoesNotContain(created.Secret, text);
        Assert.DoesNotContain(created.Secret[VirtualKeyStore.SecretPrefix.Length..], text);
        Assert.Contains("\"secret_hash\"", text);
    }

    [Fact]
    public void Keys_survive_reopening_and_keep_their_limits()
    {
        string secret;
        using (var store = VirtualKeyStore.Open(StorePath))
        {
            secret = store.Add(new VirtualKeySpec
            {
                Alias = "batch", AllowedRoutes = ["/v1/embeddings"], TokensPerMinute = 1000, BudgetUsdPerMonth = 100m,
                ExpiresAt = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
            }).Secret;
        }

        using var reopened = VirtualKeyStore.Open(StorePath);
        var key = reopened.FindBySecret(secret);

        Assert.NotNull(key);
        Assert.Equal(["/v1/embeddings"], key!.AllowedRoutes);
        Assert.Equal(1000, key.TokensPerMinute);
        Assert.Equal(100m, key.BudgetUsdPerMonth);
        Assert.Equal(2030, key.ExpiresAt!.Value.Year);
    }

    [Fact]
    public void Same_secret_text_hashes_differently_in_two_stores()
    {
        using var first = VirtualKeyStore.Open(StorePath);
        var created = first.Add(new VirtualKeySpec { Alias = "a" });
        using var second = VirtualKeyStore.Open(Path.Combine(_directory, "other.json"));
        second.Add(new VirtualKeySpec { Alias = "b" });

        Assert.Null(second.FindBySecret(created.Secret));
        Assert.NotEqual(JsonNode.Parse(File.ReadAllText(StorePath))!["salt"]!.GetValue<string>(),
            JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "other.json")))!["salt"]!.GetValue<string>());
    }

    [Fact]
    public void Revoking_by_alias_or_id_removes_the_key()
    {
        using var store = VirtualKeyStore.Open(StorePath);
        var a = store.Add(new VirtualKeySpec { Alias = "a" });
        var b = store.Add(new VirtualKeySpec { Alias = "b" });

        Assert.Equal("a", store.Revoke("A").Alias);
        Assert.Equal("b", store.Revoke(b.Key.Id).Alias);

        Assert.Empty(store.Keys);
        Assert.Null(store.FindBySecret(a.Secret));
        var ex = Assert.Throws<VirtualKeyStoreException>(() => store.Revoke("a"));
        Assert.Contains("no key has id or alias 'a'", ex.Message);
    }

    [Fact]
    public void Duplicate_and_invalid_aliases_are_refused_with_the_fix()
    {
        using var store = VirtualKeyStore.Open(StorePath);
        store.Add(new VirtualKeySpec { Alias = "team-a" });

        Assert.Contains("exists already", Assert.Throws<VirtualKeyStoreException>(() => store.Add(new VirtualKeySpec { Alias = "TEAM-A" })).Message);
        Assert.Contains("letters, digits", Assert.Throws<VirtualKeyStoreException>(() => store.Add(new VirtualKeySpec { Alias = "has space" })).Message);
        Assert.Contains("greater than 0", Assert.Throws<VirtualKeyStoreException>(() => store.Add(new VirtualKeySpec { Alias = "z", RequestsPerMinute = 0 })).Message);
        Assert.Single(store.Keys);
    }

    [Fact]
    public void Broken_file_is_reported_with_line_and_column()
    {
        File.WriteAllText(StorePath, "{\n  \"version\": 1,\n  \"keys\": [ oops ]\n}");

        var ex = Assert.Throws<VirtualKeyStoreException>(() => VirtualKeyStore.Open(StorePath));

        Assert.StartsWith($"{StorePath}:3:", ex.Message);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public async Task Revoking_in_the_file_takes_effect_in_a_running_store_within_seconds()
    {
        using var running = VirtualKeyStore.Open(StorePath, watch: true);
        string secret;
        using (var cli = VirtualKeyStore.Open(StorePath))
        {
            secret = cli.Add(new VirtualKeySpec { Alias = "team-a" }).Secret;
        }

        await WaitUntilAsync(() => running.FindBySecret(secret) is not null, "the running store sees the added key");

        using (var cli = VirtualKeyStore.Open(StorePath))
        {
            cli.Revoke("team-a");
        }

        await WaitUntilAsync(() => running.FindBySecret(secret) is null, "the running store drops the revoked key");
    }

    [Fact]
    public async Task Broken_edit_is_refused_and_the_old_keys_keep_serving()
    {
        using var running = VirtualKeyStore.Open(StorePath, watch: true);
        var secret = running.Add(new VirtualKeySpec { Alias = "team-a" }).Secret;
        var refused = new TaskCompletionSource<string?>();
        running.Reloaded += error =>
        {
            if (error is not null)
            {
                refused.TrySetResult(error);
            }
        };

        File.WriteAllText(StorePath, "{ \"version\": 1, \"keys\": [");

        var error = await refused.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("not valid JSON", error);
        Assert.Equal("team-a", running.FindBySecret(secret)?.Alias);
        Assert.Equal(error, running.LastReloadError);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"timed out waiting until {what}");
            await Task.Delay(25);
        }
    }
}
