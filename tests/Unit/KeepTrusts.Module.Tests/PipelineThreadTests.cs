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
    private static readonly string EchoConfig = Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml");

    private static HashSet<string> GatewayIds()
    {
        using var runspace = ModuleFixture.OpenRunspace();
        var (output, _) = ModuleFixture.Invoke(runspace, "Get-KtGateway | ForEach-Object Id");
        return output.Select(o => o.BaseObject.ToString()!).ToHashSet();
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
        var before = GatewayIds();
        using var runspace = ModuleFixture.OpenRunspace();
        using var shell = PowerShell.Create(runspace);
        shell.AddScript("Start-KtGateway -PolicyConfig $args[0] -Listen 127.0.0.1:0").AddArgument(EchoConfig);
        var running = shell.BeginInvoke();

        string? ours = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ours is null && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            Thread.Sleep(200);
            ours = GatewayIds().Except(before).FirstOrDefault();
        }

        Assert.NotNull(ours);
        Assert.False(running.IsCompleted, "Start-KtGateway without -PassThru should keep running in the foreground");

        var stopping = shell.BeginStop(null, null);
        Assert.True(stopping.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(45)), "Start-KtGateway did not stop after Ctrl+C");
        shell.EndStop(stopping);

        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.DoesNotContain(ours, GatewayIds());
    }
}
