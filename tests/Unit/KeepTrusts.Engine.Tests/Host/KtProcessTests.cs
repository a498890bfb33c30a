using System.Net;
using System.Text;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>The kt executable as a container or service runs it.</summary>
public sealed class KtProcessTests
{
    private static string WriteConfig(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kt-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task Gateway_run_serves_and_never_logs_the_upstream_key()
    {
        await using var fake = await FakeAzureOpenAI.StartAsync(https: false);
        fake.Enqueue("gpt-4o", FakeBehavior.Status(500), FakeBehavior.Status(401));
        var config = WriteConfig($$"""
            pack: { name: proc }
            providers:
              retry: { max_retries: 0 }
              targets:
                - { id: a, provider: azure-openai, model: gpt-4o, base_url: "{{fake.BaseUrl}}", azure_api_version: "2024-10-21" }
            """);
        await using var kt = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config],
            new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = FakeAzureOpenAI.ApiKey });
        var url = await kt.WaitForListeningAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var bodies = new StringBuilder();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            bodies.Append(await response.Content.ReadAsStringAsync());
        }

        kt.Terminate();
        Assert.Equal(0, await kt.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Hello from gpt-4o", bodies.ToString());
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, kt.StandardOutput + kt.StandardError + bodies);
        Assert.Equal(3, fake.Requests.Count);
    }

    [Fact]
    public async Task Invalid_config_refuses_to_start_and_lists_every_problem()
    {
        var config = WriteConfig("""
            pack: { name: bad }
            policies: { chain: [prompt-injektion] }
            providers:
              targets:
                - { id: a, provider: azure-openai, modle: gpt-4o }
            """);
        await using var kt = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config]);

        Assert.Equal(1, await kt.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var errors = kt.StandardError;
        Assert.Contains("KT1007", errors);
        Assert.Contains("did you mean 'prompt-injection'", errors);
        Assert.Contains("did you mean 'model'", errors);
        Assert.Contains("'model' is missing", errors);
        Assert.Contains("base_url", errors);
        Assert.Contains($"{config}:2:", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public async Task Config_validate_exits_0_for_a_seed_example_and_1_for_a_broken_file()
    {
        await using var good = KtProcess.Start(["config", "validate", Path.Combine(RepoPaths.Examples, "01-azure-openai-gateway.yaml")]);
        var broken = WriteConfig("pack: { name: x }\nproviders:\n  targets:\n    - { id: a, provider: echo }\n");
        await using var bad = KtProcess.Start(["config", "validate", broken]);

        Assert.Equal(0, await good.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("valid", good.StandardOutput);
        Assert.Equal(1, await bad.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"{broken}:4:", bad.StandardOutput);
    }

    [Fact]
    public async Task Listening_beyond_loopback_without_client_keys_prints_a_warning()
    {
        var config = WriteConfig("pack: { name: x }\nproviders:\n  targets:\n    - { id: a, provider: echo, model: m }\n");
        var stderr = new StringWriter();

        Cli.KtCommandLineProbe.WarnIfExposed("0.0.0.0:8080", config, stderr);
        Cli.KtCommandLineProbe.WarnIfExposed("127.0.0.1:8080", config, stderr);

        var warnings = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(warnings);
        Assert.Contains("0.0.0.0:8080", warnings[0]);
        Assert.Contains("client_keys", warnings[0]);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Quickstart_answers_through_the_echo_target_and_exits_with_once()
    {
        await using var kt = KtProcess.Start(["quickstart", "--once", "--listen", "127.0.0.1:0"], workingDirectory: RepoPaths.Root);

        Assert.Equal(0, await kt.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("What are the benefits of Azure AI services?", kt.StandardOutput);
        Assert.Contains("ended with data: [DONE]", kt.StandardOutput);
    }
}
