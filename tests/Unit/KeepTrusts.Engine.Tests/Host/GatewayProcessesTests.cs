using KeepTrusts.Engine.Hosting;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

public sealed class GatewayProcessesTests
{
    [Fact]
    public async Task Start_list_and_stop_a_detached_gateway()
    {
        var state = Path.Combine(Path.GetTempPath(), "kt-state-" + Guid.NewGuid().ToString("N"));
        var lines = new List<string>();
        var instance = await GatewayProcesses.StartAsync(new GatewayStartOptions
        {
            KtPath = KtProcess.KtDll,
            PolicyConfig = Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"),
            Listen = "127.0.0.1:0",
            StateDirectory = state,
        }, lines.Add, CancellationToken.None);
        try
        {
            Assert.StartsWith("http://127.0.0.1:", instance.Url);
            Assert.Contains(lines, l => l.Contains("listening on"));
            var listed = Assert.Single(GatewayProcesses.List(state));
            Assert.Equal(instance.Id, listed.Id);
            using var http = new HttpClient();
            Assert.Contains("ready", await http.GetStringAsync(instance.Url + "/readyz"));
        }
        finally
        {
            var stopped = await GatewayProcesses.StopAsync(instance, TimeSpan.FromSeconds(20), state);
            Assert.Equal("Stopped", stopped.Status);
        }

        Assert.Empty(GatewayProcesses.List(state));
        Assert.Contains("Application is shutting down", File.ReadAllText(instance.LogPath));
    }

    [Fact]
    public async Task Start_fails_with_the_log_when_the_config_is_invalid()
    {
        var config = Path.Combine(Path.GetTempPath(), $"kt-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, "pack: { name: x }\nproviders:\n  targets:\n    - { id: a, provider: echo }\n");

        var error = await Assert.ThrowsAsync<GatewayStartException>(() => GatewayProcesses.StartAsync(new GatewayStartOptions
        {
            KtPath = KtProcess.KtDll,
            PolicyConfig = config,
            Listen = "127.0.0.1:0",
            StateDirectory = Path.Combine(Path.GetTempPath(), "kt-state-" + Guid.NewGuid().ToString("N")),
        }, null, CancellationToken.None));

        Assert.Contains("exited with code 1", error.Message);
        Assert.Contains("KT1003", error.Message);
    }
}
