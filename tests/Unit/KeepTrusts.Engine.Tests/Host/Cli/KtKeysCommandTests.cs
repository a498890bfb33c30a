using KeepTrusts.Engine.Keys;
using KeepTrusts.Gateway.Cli;

namespace KeepTrusts.Engine.Tests.Host.Cli;

/// <summary>kt keys add|list|revoke through the kt command line, against a real key store file.</summary>
public sealed class KtKeysCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-cli-keys-").FullName;

    private string StorePath => Path.Combine(_directory, "keys.json");

    [Fact]
    public async Task Add_prints_the_secret_once_list_shows_the_key_without_it_and_revoke_removes_it()
    {
        var (addCode, added, _) = await RunAsync("keys", "add", "--store", StorePath, "--alias", "team-a", "--model", "gpt-4o", "--model", "gpt-4o-mini",
            "--rpm", "60", "--tpm", "10000", "--budget-day", "2.50", "--expires", "2030-01-31T00:00:00Z");
        var secret = added.Split('\n').Single(l => l.StartsWith("secret", StringComparison.Ordinal)).Split(": ")[1].Trim();
        var (listCode, listed, _) = await RunAsync("keys", "list", "--store", StorePath);
        using (var store = VirtualKeyStore.Open(StorePath))
        {
            var key = store.FindBySecret(secret);
            Assert.NotNull(key);
            Assert.Equal(["gpt-4o", "gpt-4o-mini"], key!.AllowedModels);
            Assert.Equal(2.50m, key.BudgetUsdPerDay);
        }

        var (revokeCode, revoked, _) = await RunAsync("keys", "revoke", "--store", StorePath, "team-a");
        var (againCode, _, againError) = await RunAsync("keys", "revoke", "--store", StorePath, "team-a");

        Assert.Equal(0, addCode);
        Assert.StartsWith(VirtualKeyStore.SecretPrefix, secret);
        Assert.Equal(0, listCode);
        Assert.Contains("team-a", listed);
        Assert.Contains("gpt-4o,gpt-4o-mini", listed);
        Assert.Contains("2030-01-31 00:00:00Z", listed);
        Assert.DoesNotContain(secret, listed);
        Assert.Equal(0, revokeCode);
        Assert.Contains("revoked key 'team-a'", revoked);
        Assert.Equal(1, againCode);
        Assert.Contains("no key has id or alias 'team-a'", againError);
    }

    [Theory]
    [InlineData("add", "keys")]
    [InlineData("--store", "keys", "list")]
    [InlineData("--alias", "keys", "add", "--store", "x.json")]
    [InlineData("'many'", "keys", "add", "--store", "x.json", "--alias", "a", "--rpm", "many")]
    public async Task Incomplete_or_wrong_arguments_are_a_usage_error_naming_what_is_missing(string named, params string[] args)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal(KtCommandLine.UsageErrorExitCode, code);
        Assert.Contains(named, output + error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await KtCommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
