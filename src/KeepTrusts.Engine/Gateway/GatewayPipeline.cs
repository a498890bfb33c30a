using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway.Pipeline;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.State;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// The gateway core shared by the kt server and Invoke-KtChat, as a chain of small stages (like YARP's forwarder):
/// parse once into a typed exchange (<see cref="ExchangeParser"/>, inbound dialect included) → request policies and
/// client rate limit (<see cref="RequestPolicyStage"/>) → target selection and attempts (<see cref="AttemptLoop"/>,
/// the only place a target's health is recorded) → upstream dialect (<see cref="UpstreamAdapter"/>) → the answer
/// (<see cref="CompletionStage"/>, or <see cref="StreamStage"/> yielding <see cref="ChatEvent"/>s). Every request ends
/// in one <see cref="RequestOutcome"/>, settled and recorded once as metrics and audit by <see cref="AnswerStage"/>. Uses,
/// never disposes, the composition's parts.
/// </summary>
public sealed class GatewayPipeline
{
    private readonly PolicyConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IGatewayMetrics _metrics;
    private readonly OutcomeRecorder _recorder;
    private readonly RequestPolicyStage _policies;
    private readonly RequestRecordStage _requestRecord;
    private readonly AttemptLoop _attempts;
    private readonly CompletionStage _completion;
    private readonly StreamStage _stream;
    private readonly VirtualKeyStage _keys;
    private readonly AnswerStage _answer;
    private readonly Input.StrictJsonRules _clientRules;
    private readonly Input.StrictJsonRules _upstreamRules;
    private Action? _detach;

    public GatewayPipeline(PolicyConfig config, GatewayComposition composition, IGatewayMetrics? metrics = null, ILogger? logger = null,
        UpstreamCredentials? credentials = null, TimeProvider? time = null)
    {
        _config = config;
        _time = time ?? TimeProvider.System;
        var log = _logger = logger ?? NullLogger.Instance;
        var meter = _metrics = metrics ?? NullGatewayMetrics.Instance;
        // Breakers, limits and spend from the composition's store (Redis: shared by every replica; in-process: kept
        // across live reloads). Given a clock (tests' fake time), in-process state follows that clock instead.
        State = composition.State.Health == GatewayStateHealth.Local && time is not null ? new LocalGatewayStateStore(_time) : composition.State;
        Router = new TargetRouter(config, _time, State);
        var callers = Router.Targets.ToDictionary(
            t => t.Id, t => new UpstreamCaller(t, composition.Invoker, credentials ?? new UpstreamCredentials(), meter, log, _time, config.Gateway.Limits.MaxUpstreamResponseBytes),
            StringComparer.Ordinal);
        foreach (var target in Router.Targets)
        {
            var id = target.Id;
            Action<CircuitState> changed = state =>
            {
                meter.CircuitStateChanged(id, state);
                GatewayLog.CircuitChanged(log, id, state);
            };
            target.Breaker.StateChanged += changed;
            _detach += () => target.Breaker.StateChanged -= changed;
        }

        _recorder = new OutcomeRecorder(config, composition.Audit, meter, log, _time);
        _policies = new RequestPolicyStage(config, composition.Chain, _recorder, meter, State, keepText: composition.Audit is not null);
        _requestRecord = new RequestRecordStage(config, composition.Audit, log, _time);
        _keys = new VirtualKeyStage(State, meter, log, _time);
        _answer = new AnswerStage(Router, _keys, _recorder, log);
        _clientRules = Input.StrictJsonRules.ForClient(config.Gateway.Limits);
        _upstreamRules = Input.StrictJsonRules.ForUpstream(config.Gateway.Limits);
        _attempts = new AttemptLoop(callers, meter, log, _upstreamRules);
        _completion = new CompletionStage(_policies, _recorder);
        _stream = new StreamStage(_policies, _recorder, meter, _time, config.Gateway.Limits);
    }

    private static readonly GatewayError ClientClosed = GatewayError.Upstream(0, "client_closed_request", "The client closed the request.");

    public TargetRouter Router { get; }

    /// <summary>Unhooks this pipeline from breakers that outlive it (shared ones, after a live reload replaced it).</summary>
    public void Detach() => Interlocked.Exchange(ref _detach, null)?.Invoke();

    /// <summary>Where breakers, limits and spend live; its health shows in /readyz.</summary>
    public IGatewayStateStore State { get; }

    public PolicyConfig Config => _config;

    /// <summary>Ready when at least one target can take traffic.</summary>
    public bool IsReady => Router.Targets.Any(t => t.Health.IsAvailable);

    /// <summary>
    /// Every request ends in an answer in the client's dialect and one recorded outcome: an exception no stage expected
    /// becomes a 500 <c>internal_error</c> with a body, recorded like any other outcome (never an empty 500).
    /// </summary>
    public async Task<GatewayResponse> HandleAsync(GatewayRequest request, CancellationToken cancellationToken)
    {
        var outcome = new RequestOutcome(request, _time.GetTimestamp()) { Span = GatewayTelemetry.StartRequest(request) };
        try
        {
            return await HandleCoreAsync(request, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !outcome.Recorded)
        {
            return await _answer.FailAsync(outcome, GatewayError.Upstream(0, "client_closed_request", "The client closed the request.")).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await UnexpectedAsync(outcome, ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A request the host refused before its body reached the pipeline (no or unknown client key, a wrong media type,
    /// a body too large or cut off): the error body in the client's dialect and the one recorded outcome every request
    /// gets (metrics always; an audit record with <c>log_all_access</c>, as for the pipeline's own early rejects).
    /// Status 0 means the client left: there is no one to answer, the record says so.
    /// </summary>
    public async Task<GatewayResponse> RejectAsync(GatewayRequest request, GatewayError error)
    {
        var outcome = new RequestOutcome(request, _time.GetTimestamp()) { Span = GatewayTelemetry.StartRequest(request) };
        try
        {
            return await _answer.FailAsync(outcome, error).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await UnexpectedAsync(outcome, ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A request the host answered itself with success (the models listing): recorded like every other outcome —
    /// counted in kt_requests_total, and audited with <c>log_all_access</c> (no policy or upstream saw it).
    /// </summary>
    public Task RecordAnsweredAsync(GatewayRequest request, int status)
    {
        var outcome = new RequestOutcome(request, _time.GetTimestamp()) { Span = GatewayTelemetry.StartRequest(request), Status = status };
        return _answer.SettleAsync(outcome);
    }

    internal static GatewayError InternalError(string requestId) => new(500, OpenAIError.Server, "internal_error",
        $"The gateway failed on this request (request id {requestId}). It was recorded; report the request id if it happens again.");

    private async Task<GatewayResponse> UnexpectedAsync(RequestOutcome outcome, Exception ex)
    {
        _metrics.InvalidInput("gateway", "internal_error");
        GatewayLog.Unexpected(_logger, outcome.Request.RequestId, ex);
        var error = InternalError(outcome.Request.RequestId);
        if (!outcome.Recorded)
        {
            try
            {
                return await _answer.FailAsync(outcome, error).ConfigureAwait(false);
            }
            catch (Exception again)
            {
                // The record itself failed (audit disk): the client still gets a body saying so.
                GatewayLog.Unexpected(_logger, outcome.Request.RequestId, again);
                error = error with { Code = "audit_write_failed", Message = $"The gateway could not record this request (request id {outcome.Request.RequestId}); it was not processed." };
            }
        }

        return new GatewayResponse { Status = 500, Body = GatewayErrors.Body(outcome.Request.Dialect, error), ErrorCode = error.Code, Outcome = outcome };
    }

    private async Task<GatewayResponse> HandleCoreAsync(GatewayRequest request, RequestOutcome outcome, CancellationToken cancellationToken)
    {
        // The input contract first, in one pass over the bytes: duplicate keys, lone surrogates, depth, counts, field kinds.
        if (request.Chat is null && Input.StrictJsonReader.Check(request.Body.Span, _clientRules) is { } violation)
        {
            _metrics.InvalidInput("client", violation.Reason);
            return await _answer.FailAsync(outcome, Input.InputContract.ClientError(violation)).ConfigureAwait(false);
        }

        var (exchange, invalid) = ExchangeParser.Parse(request, Router);
        if (exchange is null)
        {
            return await _answer.FailAsync(outcome, invalid!).ConfigureAwait(false);
        }

        if (exchange.Segments.TotalLength > _config.Gateway.Limits.MaxTextChars)
        {
            _metrics.InvalidInput("client", "too_much_text");
            outcome.Model = exchange.Model;
            return await _answer.FailAsync(outcome, GatewayError.Invalid("text_too_long",
                string.Create(CultureInfo.InvariantCulture, $"The request has {exchange.Segments.TotalLength} characters of text; the limit is {_config.Gateway.Limits.MaxTextChars} (gateway.limits.max_text_chars). Send less text per request."))).ConfigureAwait(false);
        }

        outcome.Model = exchange.Model;
        outcome.EstimatedTokens = exchange.EstimatedTokens;
        outcome.Stream = exchange.Stream;
        var (candidates, unroutable) = TargetSelection.Select(Router, exchange);
        if (unroutable is not null)
        {
            return await _answer.FailAsync(outcome, unroutable).ConfigureAwait(false);
        }

        if (request.VirtualKey is { } key && await _keys.CheckAsync(key, exchange, cancellationToken).ConfigureAwait(false) is { } keyRefused)
        {
            outcome.KeyRefused = true;
            return await _answer.FailAsync(outcome, keyRefused).ConfigureAwait(false);
        }

        GatewayError? refused;
        try
        {
            refused = await _policies.RunAsync(exchange, outcome, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            refused = ClientClosed;
        }

        if (refused is not null)
        {
            return await _answer.FailAsync(outcome, refused).ConfigureAwait(false);
        }

        await _requestRecord.RunAsync(outcome).ConfigureAwait(false);
        var attempt = await _attempts.RunAsync(exchange, candidates, outcome, CompletionStage.ReaderFor(exchange.Operation), cancellationToken).ConfigureAwait(false);
        await _requestRecord.DurableAsync(outcome).ConfigureAwait(false);
        if (attempt.Target is { } target)
        {
            outcome.TargetId = target.Id;
        }

        if (attempt.Error is { } failed)
        {
            return await _answer.FailAsync(outcome, failed).ConfigureAwait(false);
        }

        if (!attempt.Succeeded)
        {
            var passed = await UpstreamErrorAnswer.PassThroughAsync(attempt, outcome, _recorder, _answer.SettleAsync, _upstreamRules).ConfigureAwait(false);
            return AnswerStage.WithHeaders(passed, outcome, withTarget: true);
        }

        if (exchange.Stream)
        {
            var streamed = new GatewayResponse
            {
                Status = 200,
                ContentType = "text/event-stream",
                TargetId = attempt.Target!.Id,
                Events = GuardedEvents.Of(_stream.EventsAsync(exchange, attempt.Target, attempt.Response!, outcome, _answer.SettleAsync, cancellationToken), outcome,
                    async ex =>
                    {
                        GatewayLog.Unexpected(_logger, outcome.Request.RequestId, ex);
                        if (!outcome.Recorded)
                        {
                            outcome.Status = 500;
                            outcome.ErrorCode = "internal_error";
                            await _answer.SettleAsync(outcome).ConfigureAwait(false);
                        }
                    }, cancellationToken),
                Outcome = outcome,
            };
            return AnswerStage.WithHeaders(streamed, outcome, withTarget: true);
        }

        attempt.Response!.Dispose();
        outcome.ResponseModel = outcome.Span is null ? null : GatewayTelemetry.ResponseModelOf(attempt.Answer);
        var (body, blocked) = _completion.Finish(exchange, attempt, outcome);
        if (blocked is not null)
        {
            return await _answer.FailAsync(outcome, blocked).ConfigureAwait(false);
        }

        outcome.Status = 200;
        await _answer.SettleAsync(outcome).ConfigureAwait(false);
        return AnswerStage.WithHeaders(new GatewayResponse { Status = 200, Body = body, TargetId = outcome.TargetId, Outcome = outcome }, outcome, withTarget: true);
    }
}
