namespace KeepTrusts.Engine.Routing;

/// <summary>
/// The upstream answered (status and headers arrived) and then broke off its body: an incomplete answer, not an
/// unreachable upstream. An <see cref="IOException"/>, so the retry policy treats it as the failure it is.
/// </summary>
public sealed class UpstreamIncompleteException(string message, Exception inner) : IOException(message, inner);
