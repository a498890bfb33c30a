namespace KeepTrusts.Engine.Diagnostics;

/// <summary>
/// Where long engine operations say what they are doing. The module forwards these to Write-Verbose and
/// Write-Progress on the pipeline thread; calls may come from any thread.
/// </summary>
public interface IOperationReporter
{
    /// <summary>What is being called (an ARM request, a DNS query): never a secret.</summary>
    void Verbose(string message);

    /// <summary>Overall progress of the operation, 0-100.</summary>
    void Progress(int percentComplete, string status);
}
