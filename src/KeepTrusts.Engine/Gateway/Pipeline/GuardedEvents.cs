using System.Runtime.CompilerServices;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The last resort for a stream: an exception the stream stage did not expect ends the stream with an error event (in
/// OpenAI's shape) instead of a cut connection. The stream stage records the outcome in its finally, before the
/// exception gets here; <paramref name="record"/> covers a failure before that.
/// </summary>
internal static class GuardedEvents
{
    public static async IAsyncEnumerable<ChatEvent> Of(IAsyncEnumerable<ChatEvent> events, RequestOutcome outcome, Func<Exception, Task> record,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatEvent next;
            Exception? failure = null;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                next = enumerator.Current;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (Exception ex)
            {
                failure = ex;
                next = null!;
            }

            if (failure is not null)
            {
                await record(failure).ConfigureAwait(false);
                var error = GatewayPipeline.InternalError(outcome.Request.RequestId);
                yield return new ChatEvent { Kind = ChatEventKind.Error, Data = OpenAIError.Body(error.Message, error.Type, error.Code), Error = error };
                yield break;
            }

            yield return next;
        }
    }
}
