using System.Management.Automation;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// KtCmdlet's contract, seen through real cmdlets: async engine work posts Write* calls that land on the pipeline thread,
/// and Ctrl+C (PowerShell.Stop, which calls StopProcessing) cancels the work and ends the cmdlet.
/// </summary>
[Collection(ModuleCollection.Name)]
public sealed class PipelineThreadTests
{
    private static readonly string EchoConfig = QuickstartConfig.Isolated();

    /// <summary>Ids of running gateways started with <paramref name="config"/> (other tests and engineers start gateways too).</summary>
    private static List<string> GatewaysStartedWith(string config)
    {
        using var runspace = ModuleFixture.OpenRunspace();
        var (output, _) = ModuleFixture.Invoke(runspace, "Get-KtGateway | Where-Object PolicyConfig -eq $args[0] | ForEach-Object Id", config);
        return output.Select(o => o.BaseObject.ToString()!).ToList();
    }

    [Fact]
    public void Verbose_and_progress_posted_by_engine_work_reach_the_pipeline_streams()
    {
        using var runspace = ModuleFixture.OpenRunspace();
        using var shell = PowerShell.Create(runspace);
        shell.AddScript("Start-KtGateway -PolicyConfig $args[0] -Listen 127.0.0.1:0 -PassThru -Verbose").AddArgument(EchoConfig);

        var output = shell.Invoke();

        var gateway = Assert.Single(output);
        try
        {
            Assert.Empty(shell.Streams.Error);
            // The gateway's log lines and the "Starting kt on" progress are produced on the worker thread (inside
            // RunOnPipeline); seeing them here means Post delivered them to the pipeline thread.
            var verbose = shell.Streams.Verbose.Select(v => v.Message).ToList();
            Assert.Contains(verbose, m => !m.StartsWith("Starting ", StringComparison.Ordinal));
            Assert.Contains(shell.Streams.Progress, p => p.StatusDescription.StartsWith("Starting kt on 127.0.0.1:0", StringComparison.Ordinal));
        }
        finally
        {
            ModuleFixture.Invoke(runspace, "Stop-KtGateway -Id $args[0] -Confirm:$false", gateway.Properties["Id"].Value);
        }
    }

    [Fact]
    public void Ctrl_C_ends_a_foreground_Start_KtGateway_and_stops_its_gateway()
    {
        // A config file of its own identifies this test's gateway among any others running on the machine.
        var config = Path.Combine(Directory.CreateTempSubdirectory("kt-module-").FullName, "ctrl-c.yaml");
        File.Copy(EchoConfig, config);
        using var runspace = ModuleFixture.OpenRunspace();
        using var shell = PowerShell.Create(runspace);
        shell.AddScript("Start-KtGateway -PolicyConfig $args[0] -Listen 127.0.0.1:0").AddArgument(config);
        var running = shell.BeginInvoke();

        List<string> ours = [];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ours.Count == 0 && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            Thread.Sleep(200);
            ours = GatewaysStartedWith(config);
        }

        Assert.Single(ours);
        Assert.False(running.IsCompleted, "Start-KtGateway without -PassThru should keep running in the foreground");

        var stopping = shell.BeginStop(null, null);
        Assert.True(stopping.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(45)), "Start-KtGateway did not stop after Ctrl+C");
        shell.EndStop(stopping);

        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.Empty(GatewaysStartedWith(config));
    }
}
