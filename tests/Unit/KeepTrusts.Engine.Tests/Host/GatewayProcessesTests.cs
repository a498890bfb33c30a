using KeepTrusts.Engine.Hosting;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

public sealed class GatewayProcessesTests
{
    [Fact]
    public void Listing_removes_logs_of_stopped_gateways_after_the_retention_and_keeps_recent_ones()
    {
        var state = Directory.CreateTempSubdirectory("kt-state-").FullName;
        try
        {
            var old = Path.Combine(state, "kt-0000old0.log");
            var recent = Path.Combine(state, "kt-0000new0.log");
            File.WriteAllText(old, "stopped long ago");
            File.WriteAllText(recent, "stopped just now");
            File.SetLastWriteTimeUtc(old, DateTime.UtcNow - GatewayProcesses.ExitedRecordRetention - TimeSpan.FromHours(1));

            Assert.Empty(GatewayProcesses.List(state));

            Assert.False(File.Exists(old));
            Assert.True(File.Exists(recent));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task Start_list_and_stop_a_detached_gateway()
    {
        var state = Path.Combine(Path.GetTempPath(), "kt-state-" + Guid.NewGuid().ToString("N"));
        var lines = new List<string>();
        var instance = await GatewayProcesses.StartAsync(new GatewayStartOptions
        {
            KtPath = KtProcess.KtPath,
            PolicyConfig = QuickstartConfig.Isolated(),
            Listen = "127.0.0.1:0",
            StateDirectory = state,
        }, lines.Add, CancellationToken.None);
        try
        {
            Assert.StartsWith("http://127.0.0.1:", instance.Url);
            Assert.Contains(lines, l => l.Contains("listening on"));
            Assert.Equal("Running", instance.Status);
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
            KtPath = KtProcess.KtPath,
            PolicyConfig = config,
            Listen = "127.0.0.1:0",
            StateDirectory = Path.Combine(Path.GetTempPath(), "kt-state-" + Guid.NewGuid().ToString("N")),
        }, null, CancellationToken.None));

        Assert.Equal(GatewayStartFailure.InvalidConfig, error.Failure);
        Assert.Contains("has errors", error.Message);
        Assert.DoesNotContain("KT1003", error.Message);
        Assert.Contains("KT1003", error.LogTail);
    }

    private static GatewayStartOptions Options(string state, string listen = "127.0.0.1:0") => new()
    {
        KtPath = KtProcess.KtPath,
        PolicyConfig = QuickstartConfig.Isolated(),
        Listen = listen,
        StateDirectory = state,
    };

    private static string NewStateDirectory() => Path.Combine(Path.GetTempPath(), "kt-state-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Kt_records_the_url_it_bound_in_the_instance_record()
    {
        var state = NewStateDirectory();
        var instance = await GatewayProcesses.StartAsync(Options(state), null, CancellationToken.None);
        try
        {
            var record = GatewayInstanceRecord.TryRead(Path.Combine(state, instance.Id + ".json"));
            Assert.NotNull(record);
            Assert.Equal(instance.Url, record.Url);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", record.Url);
            Assert.Equal("Running", record.Status);
        }
        finally
        {
            await GatewayProcesses.StopAsync(instance, TimeSpan.FromSeconds(20), state);
        }
    }

    [Fact]
    public async Task A_port_in_use_fails_with_one_sentence_and_no_stack_trace()
    {
        var state = NewStateDirectory();
        var first = await GatewayProcesses.StartAsync(Options(state), null, CancellationToken.None);
        try
        {
            var port = new Uri(first.Url).Port;
            var error = await Assert.ThrowsAsync<GatewayStartException>(() => GatewayProcesses.StartAsync(Options(state, $"http://127.0.0.1:{port}"), null, CancellationToken.None));

            Assert.Equal(GatewayStartFailure.CannotListen, error.Failure);
            Assert.Equal($"Port {port} on 127.0.0.1 is already in use; listen on another port (--listen / -Listen) or stop the process that holds it.", error.Message);
            Assert.Single(GatewayProcesses.List(state));
        }
        finally
        {
            await GatewayProcesses.StopAsync(first, TimeSpan.FromSeconds(20), state);
        }
    }

    [Fact]
    public async Task A_gateway_that_ends_on_its_own_is_listed_as_exited_with_its_exit_code_and_last_log_lines()
    {
        var state = NewStateDirectory();
        var instance = await GatewayProcesses.StartAsync(Options(state), null, CancellationToken.None);
        using var process = System.Diagnostics.Process.GetProcessById(instance.ProcessId);

        GatewayProcesses.Terminate(instance.ProcessId); // someone else's SIGTERM, not Stop-KtGateway
        await process.WaitForExitAsync();

        var exited = Assert.Single(GatewayProcesses.List(state));
        Assert.Equal("Exited", exited.Status);
        Assert.Equal(0, exited.ExitCode);
        Assert.NotNull(exited.LastLogLines);
        Assert.Contains(exited.LastLogLines, l => l.Contains("shutting down"));

        var removed = await GatewayProcesses.StopAsync(exited, TimeSpan.FromSeconds(5), state);
        Assert.Equal("Stopped", removed.Status);
        Assert.Empty(GatewayProcesses.List(state));
    }

    [Fact]
    public async Task A_killed_gateway_is_exited_without_an_exit_code()
    {
        var state = NewStateDirectory();
        var instance = await GatewayProcesses.StartAsync(Options(state), null, CancellationToken.None);
        using var process = System.Diagnostics.Process.GetProcessById(instance.ProcessId);

        process.Kill();
        await process.WaitForExitAsync();

        var exited = Assert.Single(GatewayProcesses.List(state));
        Assert.Equal("Exited", exited.Status);
        Assert.Null(exited.ExitCode);
        await GatewayProcesses.StopAsync(exited, TimeSpan.FromSeconds(5), state);
    }
}
