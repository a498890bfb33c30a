namespace KeepTrusts.Engine.Azure;

/// <summary>Why ARM could not be reached, with the fix; <paramref name="Permanent"/> failures are not retried.</summary>
public sealed record ArmTransportCause(bool Permanent, string Description, string Fix);
