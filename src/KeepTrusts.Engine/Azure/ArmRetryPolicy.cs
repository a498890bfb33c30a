using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace KeepTrusts.Engine.Azure;

/// <summary>
/// Azure.Core's retry (exponential back-off, Retry-After, 408/429/5xx), except for transport failures that another
/// attempt cannot fix: an untrusted server certificate, a name that does not resolve, a refused connection. Those fail
/// on the first attempt with their cause (<see cref="ArmErrorTranslator.TransportCause"/>) instead of
/// "Retry failed after 4 tries".
/// </summary>
public sealed class ArmRetryPolicy(int maxRetries) : RetryPolicy(maxRetries, DelayStrategy.CreateExponentialDelayStrategy())
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        (exception is null || ArmErrorTranslator.TransportCause(exception) is not { Permanent: true }) && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        exception is not null && ArmErrorTranslator.TransportCause(exception) is { Permanent: true }
            ? ValueTask.FromResult(false)
            : base.ShouldRetryAsync(message, exception);
}
