using System.Management.Automation;
using KeepTrusts.Engine.Diagnostics;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// Forwards the engine's verbose and progress reports to the cmdlet. The engine calls from any thread; the records
/// are posted to the pipeline thread, the only one allowed to write. Internal: engine types stay off the public surface.
/// </summary>
internal sealed class CmdletOperationReporter(Action<Action> post, int activityId, string activity) : IOperationReporter
{
    public void Verbose(string message) => post(() => VerboseSink?.Invoke(message));

    public void Progress(int percentComplete, string status) =>
        post(() => ProgressSink?.Invoke(new ProgressRecord(activityId, activity, status) { PercentComplete = Math.Clamp(percentComplete, 0, 100) }));

    public Action<string>? VerboseSink { get; init; }

    public Action<ProgressRecord>? ProgressSink { get; init; }
}
