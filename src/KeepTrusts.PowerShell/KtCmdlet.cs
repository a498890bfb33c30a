using System.Collections.Concurrent;
using System.Management.Automation;

namespace KeepTrusts.PowerShell;

/// <summary>
/// Base of the KeepTrusts cmdlets: cancellation through StopProcessing (Ctrl+C), and a way to run async engine work
/// while every Write* call still happens on the pipeline thread (PowerShell throws if another thread writes).
/// </summary>
/// <remarks>
/// Typical long-running cmdlet:
/// <code>
/// var result = RunOnPipeline(token => Engine.DoAsync(
///     onStep: step => PostVerbose($"Calling {step}"),
///     onProgress: (done, total) => PostProgress(new ProgressRecord(1, "Doing", $"{done}/{total}")),
///     token));
/// WriteObject(Map(result));
/// </code>
/// Keep engine types out of the cmdlet's fields and signatures: call a static helper that maps the engine's result.
/// </remarks>
public abstract class KtCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private BlockingCollection<Action>? _pipelineActions;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops. Pass it to every engine call.</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The pipeline already ended.
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and, until it ends, executes on this (pipeline) thread every action
    /// it queues with <see cref="Post"/> (and the Post* helpers). Returns the work's result or rethrows its exception
    /// (an <see cref="OperationCanceledException"/> after Ctrl+C). If a queued action throws (for example WriteObject when
    /// a downstream Select-Object -First stopped the pipeline), the work is cancelled and awaited before the exception
    /// propagates, so nothing keeps running behind the cmdlet's back.
    /// </summary>
    protected T RunOnPipeline<T>(Func<CancellationToken, Task<T>> work)
    {
        if (_pipelineActions is not null)
        {
            throw new InvalidOperationException("RunOnPipeline is already running; call the engine once and post from its callbacks.");
        }

        using var actions = new BlockingCollection<Action>();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        _pipelineActions = actions;
        Task<T> task;
        try
        {
            task = Task.Run(() => work(linked.Token), linked.Token);
            task.ContinueWith(_ => actions.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                foreach (var action in actions.GetConsumingEnumerable())
                {
                    action();
                }
            }
            catch
            {
                // Stop the work before leaving; it may still be posting. Its own outcome no longer matters.
                linked.Cancel();
                try
                {
                    task.Wait(TimeSpan.FromSeconds(30));
                }
                catch (AggregateException)
                {
                }

                throw;
            }
        }
        finally
        {
            _pipelineActions = null;
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Like <see cref="RunOnPipeline{T}"/> for work without a result.</summary>
    protected void RunOnPipeline(Func<CancellationToken, Task> work) =>
        RunOnPipeline<bool>(async token =>
        {
            await work(token).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Queues an action (WriteVerbose, WriteProgress, WriteObject, host output) for the pipeline thread. Safe to call from
    /// any thread; called on the pipeline thread outside <see cref="RunOnPipeline{T}"/> it runs at once.
    /// </summary>
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
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The work already finished (or the pipeline is stopping); nothing is left to show it to.
        }
    }

    /// <summary>WriteVerbose from any thread (queued to the pipeline thread).</summary>
    protected void PostVerbose(string message) => Post(() => WriteVerbose(message));

    /// <summary>WriteWarning from any thread (queued to the pipeline thread).</summary>
    protected void PostWarning(string message) => Post(() => WriteWarning(message));

    /// <summary>WriteProgress from any thread (queued to the pipeline thread).</summary>
    protected void PostProgress(ProgressRecord progress) => Post(() => WriteProgress(progress));

    /// <summary>WriteObject from any thread (queued to the pipeline thread), for results that stream out while work runs.</summary>
    protected void PostObject(object? item) => Post(() => WriteObject(item));

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

    /// <summary>PowerShell disposes cmdlets that implement IDisposable when their pipeline ends.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Override to release what a cmdlet holds (clients, processes); call the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
        }
    }
}
