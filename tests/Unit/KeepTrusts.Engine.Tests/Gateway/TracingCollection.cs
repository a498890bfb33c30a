namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>
/// Tests that attach ActivityListeners or check that none is attached: listeners are process-wide, so these run alone,
/// after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing";
}
