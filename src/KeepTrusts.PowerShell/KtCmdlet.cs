using System.Collections.Concurrent;
using System.Management.Automation;

namespace KeepTrusts.PowerShell;

/// <summary>
/// Base of the KeepTrusts cmdlets: cancellation through StopProcessing (Ctrl+C), and a way to run async engine work
/// while every Write* call still happens on the pipeline thread (PowerShell throws if another thread writes).
/// </summary>
public abstract class KtCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pipelineActions;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and, meanwhile, executes on this (pipeline) thread every action
    /// it posts with <see cref="Post"/>. Returns the work's result or rethrows its exception.
    /// </summary>
    protected T RunOnPipeline<T>(Func<CancellationToken, Task<T>> work)
    {
        using var actions = new BlockingCollection<Action>();
        _pipelineActions = actions;
        try
        {
            var task = Task.Run(() => work(StopToken), StopToken);
            task.ContinueWith(_ => actions.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in actions.GetConsumingEnumerable())
            {
                action();
            }

            return task.GetAwaiter().GetResult();
        }
        finally
        {
            _pipelineActions = null;
        }
    }

    /// <summary>Queues an action (WriteVerbose, WriteProgress, WriteObject, host output) for the pipeline thread.</summary>
    protected void Post(Action action)
    {
        var actions = _pipelineActions;
        if (actions is null)
        {
            action();
            return;
        }

        try
        {
            actions.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The work already finished; nothing is left to show it to.
        }
    }

    /// <summary>A non-terminating error with a stable id, a category and the object it concerns.</summary>
    protected void WriteError(string id, ErrorCategory category, object? target, string message, string? recommendedAction = null, Exception? exception = null)
    {
        WriteError(ErrorRecords.Create(id, category, target, message, recommendedAction, exception));
    }

    /// <summary>A terminating error with a stable id, a category and the object it concerns.</summary>
    protected void ThrowTerminating(string id, ErrorCategory category, object? target, string message, string? recommendedAction = null, Exception? exception = null)
    {
        ThrowTerminatingError(ErrorRecords.Create(id, category, target, message, recommendedAction, exception));
    }
}
