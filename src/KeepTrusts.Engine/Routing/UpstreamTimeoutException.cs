namespace KeepTrusts.Engine.Routing;

/// <summary>An attempt ran past the target's timeout_seconds (as opposed to the client cancelling).</summary>
internal sealed class UpstreamTimeoutException() : Exception("The upstream did not answer within the target's timeout.");
