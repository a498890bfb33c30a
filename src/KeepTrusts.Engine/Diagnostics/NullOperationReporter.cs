namespace KeepTrusts.Engine.Diagnostics;

/// <summary>A reporter that discards everything, for callers that do not show progress.</summary>
public sealed class NullOperationReporter : IOperationReporter
{
    public static readonly NullOperationReporter Instance = new();

    public void Verbose(string message)
    {
    }

    public void Progress(int percentComplete, string status)
    {
    }
}
