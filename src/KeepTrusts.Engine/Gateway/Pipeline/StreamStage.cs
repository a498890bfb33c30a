using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 5 for streams: reads the upstream's Server-Sent Events (System.Net.ServerSentEvents), passes each through the
/// dialect's stream filter and yields <see cref="ChatEvent"/>s — which the kt host writes as SSE and Invoke-KtChat reads
/// directly. An idle upstream (stream_timeout_seconds) or one that breaks off ends the stream with an error event;
/// a policy stop ends it with the dialect's content_filter ending. When the stream ends — however it ends — its result
/// goes to the attempt loop's health record and the request's outcome is recorded, once.
/// </summary>
internal sealed class StreamStage(RequestPolicyStage policies, OutcomeRecorder recorder, IGatewayMetrics metrics, TimeProvider time, Configuration.GatewayLimitsOptions limits)
{
    private readonly Input.StrictJsonRules _rules = Input.StrictJsonRules.ForUpstream(limits);

    public async IAsyncEnumerable<ChatEvent> EventsAsync(
        CanonicalExchange exchange, TargetState target, HttpResponseMessage upstream, RequestOutcome outcome, Func<RequestOutcome, Task> finish,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chain = policies.Enabled ? policies.Chain : PolicyChain.Empty;
        IStreamFilter filter = exchange.Operation == UpstreamOperation.Responses ? new ResponsesStreamFilter(chain, limits.MaxAuditContentChars) : new ChatStreamFilter(chain, limits.MaxAuditContentChars);
        var idle = TimeSpan.FromSeconds(target.Options.EffectiveStreamTimeoutSeconds);
        using var idleCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        GatewayError? error = null;
        UpstreamStreamError? upstreamError = null;
        string? responsesFailure = null;
        var ended = false;
        var sentAny = false;
        var textDeltas = 0L;
        var output = new List<ChatEvent>(2);
        try
        {
            // Bounded: the whole stream by max_upstream_stream_bytes, any one event (which the SSE parser buffers) by max_upstream_event_bytes.
            await using var source = new Input.LimitedReadStream(
                await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), limits.MaxUpstreamStreamBytes, limits.MaxUpstreamEventBytes);
            var parser = SseParser.Create(source, static (_, data) => data.ToArray());
            await using var items = parser.EnumerateAsync(idleCts.Token).GetAsyncEnumerator(idleCts.Token);
            while (true)
            {
                SseItem<byte[]> item;
                try
                {
                    idleCts.CancelAfter(idle);
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    item = items.Current;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (OperationCanceledException)
                {
                    error = GatewayError.Upstream(502, "upstream_stream_timeout", string.Create(CultureInfo.InvariantCulture, $"The upstream (target '{target.Id}') sent nothing for {idle.TotalSeconds:0} seconds (stream_timeout_seconds)."));
                    break;
                }
                catch (Input.UpstreamResponseTooLargeException ex)
                {
                    metrics.InvalidInput("upstream", "response_too_large");
                    error = GatewayError.Upstream(502, "upstream_response_too_large", $"The upstream (target '{target.Id}') sent more than the gateway accepts: {ex.Message}");
                    break;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    error = GatewayError.Upstream(502, "upstream_incomplete", $"The upstream (target '{target.Id}') broke off the stream.");
                    break;
                }

                if (!item.Data.AsSpan().SequenceEqual("[DONE]"u8) && Input.StrictJsonReader.Check(item.Data, _rules) is { } violation)
                {
                    metrics.InvalidInput("upstream", violation.Reason);
                    error = GatewayError.Upstream(502, "upstream_invalid_response", $"The upstream (target '{target.Id}') sent a stream event the gateway does not accept: {violation.Message}.");
                    break;
                }

                if (filter.IsEnd(item.EventType, item.Data))
                {
                    ended = true;
                    output.Clear();
                    filter.Finish(output);
                    foreach (var tail in output)
                    {
                        yield return tail;
                    }

                    if (filter.Blocked is null && exchange.Operation != UpstreamOperation.Responses)
                    {
                        yield return ChatEvent.Done;
                    }
                    else if (filter.Blocked is null)
                    {
                        // The Responses end event carries the whole answer: the filter brings it in line with what was released.
                        // Its failure events ("error", "response.failed") are the upstream's own error: passed on with the
                        // credential kt sent masked, and recorded as one.
                        var endData = item.Data;
                        if (item.EventType is "error" or "response.failed")
                        {
                            endData = Input.SentCredentials.Scrub(item.Data, upstream.RequestMessage, target.Options.EffectiveApiKeyHeader);
                            responsesFailure = System.Text.Encoding.UTF8.GetString(endData);
                        }

                        output.Clear();
                        filter.Process(item.EventType, endData, output);
                        foreach (var last in output)
                        {
                            yield return last;
                        }
                    }

                    break;
                }

                output.Clear();
                if (TryProcess(filter, item, output) is { } failure)
                {
                    metrics.InvalidInput("upstream", "unexpected_shape");
                    error = GatewayError.Upstream(502, "upstream_invalid_response", $"The upstream (target '{target.Id}') sent a stream event the gateway could not read ({failure}).");
                    break;
                }

                if (filter.UpstreamError is { } failed)
                {
                    // The upstream's own error event: the client gets it (masked, in OpenAI's shape) as the stream's end.
                    upstreamError = UpstreamStreamError.From(failed, upstream, target.Options.EffectiveApiKeyHeader, target.Id, _rules);
                    error = upstreamError.Error;
                    // The text before the error was the upstream's answer: what the policies held back goes out checked,
                    // as on an early close, instead of being dropped with the error.
                    output.Clear();
                    filter.Finish(output);
                    foreach (var tail in output)
                    {
                        textDeltas += string.IsNullOrEmpty(tail.Text) ? 0 : 1;
                        yield return tail;
                    }

                    break;
                }

                if (!sentAny)
                {
                    sentAny = true;
                    metrics.TimeToFirstByte(target.Id, time.GetElapsedTime(outcome.Started));
                }

                foreach (var next in output)
                {
                    textDeltas += string.IsNullOrEmpty(next.Text) ? 0 : 1;
                    outcome.ResponseModel ??= next.Model;   // the model the upstream says answered (gen_ai.response.model)
                    yield return next;
                }

                if (filter.Blocked is not null)
                {
                    ended = true;
                    break;
                }
            }

            if (!ended && error is null && !cancellationToken.IsCancellationRequested)
            {
                // The upstream closed without its end marker: release what policies held back, then say so.
                output.Clear();
                filter.Finish(output);
                foreach (var tail in output)
                {
                    yield return tail;
                }

                // A stream request answered with a plain JSON or HTML body has no events at all: say that, not "early".
                var mediaType = upstream.Content.Headers.ContentType?.MediaType;
                if (mediaType is not null && !mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    metrics.InvalidInput("upstream", "unexpected_shape");
                    error = GatewayError.Upstream(502, "upstream_invalid_response",
                        $"The upstream (target '{target.Id}') answered the stream request with {mediaType}, not an event stream (text/event-stream).");
                }
                else
                {
                    error = GatewayError.Upstream(502, "upstream_incomplete", $"The upstream (target '{target.Id}') ended the stream early.");
                }
            }

            if (filter.Blocked is not null && exchange.Operation != UpstreamOperation.Responses)
            {
                yield return ChatEvent.Done;
            }

            // A tail released at the end that a policy blocked has already ended the stream (content_filter, [DONE]).
            if (error is not null && filter.Blocked is null)
            {
                yield return new ChatEvent { Kind = ChatEventKind.Error, Data = upstreamError?.Event ?? OpenAIError.Body(error.Message, error.Type, error.Code), Error = error };
            }
        }
        finally
        {
            upstream.Dispose();
            var clientLeft = cancellationToken.IsCancellationRequested || (!ended && error is null);
            AttemptLoop.RecordStreamEnd(target, clientLeft && error is null ? TargetCallResult.Neutral : error is null && responsesFailure is null ? TargetCallResult.Success : TargetCallResult.Failure);
            outcome.ClientClosed = clientLeft && error is null;
            outcome.Status = filter.Blocked is not null ? 400 : error is not null || responsesFailure is not null ? 502 : 200;
            outcome.ErrorCode = filter.Blocked?.Policy ?? error?.Code ?? (responsesFailure is not null ? "upstream_error" : null) ?? (outcome.ClientClosed ? "client_closed_request" : null);
            // The usage chunk when the upstream sent one (stream_options.include_usage); else counted, also on a cut stream:
            // the prompt at ~4 characters a token, the completion one token per text delta (how OpenAI and Azure stream).
            outcome.PromptTokens = filter.PromptTokens > 0 ? filter.PromptTokens : Math.Max(1, exchange.Segments.TotalLength / 4);
            outcome.CompletionTokens = filter.CompletionTokens > 0 ? filter.CompletionTokens : textDeltas;
            outcome.ContentFilterResults = filter.ContentFilterResults;
            outcome.CompletionText = filter.ReleasedText;
            outcome.UpstreamErrorBody = upstreamError?.Original ?? responsesFailure ?? outcome.UpstreamErrorBody;
            var decisions = filter.Decisions.ToList();
            outcome.AddDecisions(decisions);
            recorder.Decisions(decisions);
            await finish(outcome).ConfigureAwait(false);
        }
    }

    /// <summary>A filter that throws on an event it cannot read ends the stream as an upstream error, not a cut connection.</summary>
    private static string? TryProcess(IStreamFilter filter, SseItem<byte[]> item, List<ChatEvent> output)
    {
        try
        {
            filter.Process(item.EventType, item.Data, output);
            return null;
        }
        catch (InvalidDataException ex)
        {
            // A shape the filter rejects on purpose: its message says what was wrong.
            return ex.Message;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            return ex.GetType().Name;
        }
    }
}
