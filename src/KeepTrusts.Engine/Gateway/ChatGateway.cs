using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// The gateway core shared by the kt server and Invoke-KtChat: parses and checks the client's request, runs the
/// request-side policy chain, routes by model (strategy, circuit state, rate limits), calls the upstream with
/// retries and fallback, runs the response-side chain (per chunk on streams), and records metrics and audit.
/// </summary>
public sealed class ChatGateway : IAsyncDisposable
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64 };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private readonly PolicyConfig _config;
    private readonly PolicyChain _chain;
    private readonly IAuditSink? _audit;
    private readonly IGatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly UpstreamCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, UpstreamCaller> _callers;
    private readonly Dictionary<string, MinuteRateLimiter> _clientLimiters = new(StringComparer.Ordinal);
    private readonly bool _chainEnabled;

    public ChatGateway(ChatGatewayOptions options)
    {
        _config = options.Config;
        _chain = options.Chain;
        _audit = options.Audit;
        _metrics = options.Metrics ?? NullGatewayMetrics.Instance;
        _logger = options.Logger ?? NullLogger.Instance;
        _time = options.Time ?? TimeProvider.System;
        _credentials = options.Credentials ?? new UpstreamCredentials();
        _http = new HttpClient(options.Handler ?? new UpstreamHandler(), disposeHandler: options.Handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        _chainEnabled = _config.Pack.Enabled;
        Router = new TargetRouter(_config, _time);
        _callers = Router.Targets.ToDictionary(t => t.Id, t => new UpstreamCaller(t, _http, _credentials, _metrics, _logger, _time), StringComparer.Ordinal);
        foreach (var target in Router.Targets)
        {
            var id = target.Id;
            target.Breaker.StateChanged += state =>
            {
                _metrics.CircuitStateChanged(id, state);
                GatewayLog.CircuitChanged(_logger, id, state);
            };
        }

        foreach (var key in _config.Gateway.ClientKeys)
        {
            if ((key.RateLimit ?? _config.Gateway.ClientRateLimit) is { } limit)
            {
                _clientLimiters[key.Id] = new MinuteRateLimiter(limit, _time);
            }
        }
    }

    public TargetRouter Router { get; }

    public PolicyConfig Config => _config;

    /// <summary>Ready when at least one target can take traffic.</summary>
    public bool IsReady => Router.Targets.Any(t => t.Breaker.IsAvailable && t.ProbeHealthy != false);

    public async Task<GatewayResponse> HandleAsync(GatewayRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var operation = request.Operation == UpstreamOperation.ChatCompletions ? "chat" : "embeddings";
        JsonObject body;
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
            {
                throw new DecoderFallbackException("it is not valid UTF-8");
            }

            body = JsonNode.Parse(request.Body.Span, NodeOptions, ParseOptions) as JsonObject
                ?? throw new JsonException("the body must be a JSON object");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or DecoderFallbackException)
        {
            return await FinishErrorAsync(request, started, operation, null, HttpStatusCode.BadRequest,
                $"The request body is not valid JSON: {JsonErrorText(ex)}. Send a JSON object such as {{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}]}}.",
                OpenAIError.InvalidRequest, "invalid_json", null).ConfigureAwait(false);
        }

        if (!TryGetString(body, "model", out var model))
        {
            return await FinishErrorAsync(request, started, operation, null, HttpStatusCode.BadRequest,
                "'model' is required and must be a string naming one of the configured models: " + string.Join(", ", Router.Models) + ".",
                OpenAIError.InvalidRequest, "invalid_model", "model").ConfigureAwait(false);
        }

        var shapeError = CheckShape(body, request.Operation);
        if (shapeError is not null)
        {
            return await FinishErrorAsync(request, started, operation, model, HttpStatusCode.BadRequest, shapeError.Value.Message,
                OpenAIError.InvalidRequest, "invalid_request", shapeError.Value.Param).ConfigureAwait(false);
        }

        IReadOnlyList<TargetState> candidates;
        if (request.TargetId is { } pinned)
        {
            var target = Router.Find(pinned);
            if (target is null)
            {
                return await FinishErrorAsync(request, started, operation, model, HttpStatusCode.NotFound,
                    $"No target has id '{pinned}'. Configured targets: {string.Join(", ", Router.Targets.Select(t => t.Id))}.",
                    OpenAIError.InvalidRequest, "target_not_found", "target").ConfigureAwait(false);
            }

            candidates = [target];
        }
        else
        {
            candidates = Router.Candidates(model);
        }

        if (candidates.Count == 0)
        {
            return await FinishErrorAsync(request, started, operation, model, HttpStatusCode.NotFound,
                $"The model '{model}' is not served by this gateway. Configured models: {string.Join(", ", Router.Models)}.",
                OpenAIError.InvalidRequest, "model_not_found", "model").ConfigureAwait(false);
        }

        var stream = body["stream"] is JsonValue streamValue && streamValue.TryGetValue<bool>(out var isStream) && isStream;
        var decisions = new List<PolicyDecision>();
        var segments = ChatTextSegments.FromRequest(body, request.Operation);
        var upstreamBody = request.Body;
        if (_chainEnabled && _chain.Policies.Count > 0)
        {
            var result = await _chain.EvaluateRequestAsync(segments.Segments, cancellationToken).ConfigureAwait(false);
            decisions.AddRange(result.Decisions);
            RecordDecisions(result.Decisions);
            if (result.BlockingDecision is { } block)
            {
                return await FinishErrorAsync(request, started, operation, model, HttpStatusCode.BadRequest,
                    $"Request blocked by policy '{block.Policy}': {block.Reason}.", OpenAIError.PolicyViolation, block.Policy, null, decisions).ConfigureAwait(false);
            }

            if (segments.WriteBack())
            {
                upstreamBody = JsonSerializer.SerializeToUtf8Bytes(body);
            }
        }

        var estimatedTokens = EstimateTokens(body, segments);
        if (request.ClientKeyId is { } clientKey && _clientLimiters.TryGetValue(clientKey, out var clientLimiter) &&
            !clientLimiter.TryAcquire(estimatedTokens, out var clientWait))
        {
            _metrics.RateLimited("client");
            return await FinishErrorAsync(request, started, operation, model, HttpStatusCode.TooManyRequests,
                $"Rate limit for client key '{clientKey}' exceeded. Retry after {Math.Ceiling(clientWait.TotalSeconds)} seconds.",
                OpenAIError.RateLimit, "rate_limit_exceeded", null, decisions, retryAfter: clientWait).ConfigureAwait(false);
        }

        var context = new CallContext(request, model, operation, stream, started, decisions, segments, estimatedTokens);
        return await RouteAsync(context, candidates, upstreamBody, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GatewayResponse> RouteAsync(CallContext context, IReadOnlyList<TargetState> candidates, ReadOnlyMemory<byte> upstreamBody, CancellationToken cancellationToken)
    {
        UpstreamOutcome? last = null;
        TimeSpan? rateLimitWait = null;
        var attempts = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var target = candidates[i];
            if (i > 0)
            {
                _metrics.Fallback(candidates[i - 1].Id, last?.Reason ?? "unavailable");
                GatewayLog.FallingBack(_logger, candidates[i - 1].Id, target.Id, last?.Reason ?? "unavailable");
            }

            if (target.RateLimiter is { } limiter && !limiter.TryAcquire(context.EstimatedTokens, out var wait))
            {
                _metrics.RateLimited("target");
                rateLimitWait = rateLimitWait is null || wait < rateLimitWait ? wait : rateLimitWait;
                last = null;
                continue;
            }

            if (!target.Breaker.TryAcquire())
            {
                last = UpstreamOutcome.CircuitOpen(target.Id);
                continue;
            }

            var outcome = await _callers[target.Id].SendAsync(context.Request.Operation, upstreamBody, context.Stream, cancellationToken).ConfigureAwait(false);
            attempts += outcome.Attempts;
            if (outcome.Response is { } response && (int)response.StatusCode < 400)
            {
                return context.Stream
                    ? StreamResponse(context, target, response, attempts)
                    : await CompleteResponseAsync(context, target, response, attempts, cancellationToken).ConfigureAwait(false);
            }

            if (outcome.Response is { } errorResponse && !outcome.MayFallBack)
            {
                // Not a target failure (400 content filter, 401, 404 ...): the client gets the upstream's answer unchanged.
                return await PassThroughErrorAsync(context, target, errorResponse, attempts, cancellationToken).ConfigureAwait(false);
            }

            last?.Response?.Dispose();
            last = outcome;
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (last?.Response is { } lastResponse)
        {
            return await PassThroughErrorAsync(context, Router.Find(last.TargetId)!, lastResponse, attempts, cancellationToken).ConfigureAwait(false);
        }

        if (last is null && rateLimitWait is { } retryAfter)
        {
            return await FinishErrorAsync(context.Request, context.Started, context.Operation, context.Model, HttpStatusCode.TooManyRequests,
                $"Rate limit of every target for model '{context.Model}' exceeded. Retry after {Math.Ceiling(retryAfter.TotalSeconds)} seconds.",
                OpenAIError.RateLimit, "rate_limit_exceeded", null, context.Decisions, retryAfter: retryAfter, attempts: attempts).ConfigureAwait(false);
        }

        var (status, code, message) = last switch
        {
            { Kind: UpstreamFailureKind.CircuitOpen } => (HttpStatusCode.ServiceUnavailable, "circuit_open",
                $"Every target for model '{context.Model}' is temporarily out of rotation after repeated failures (circuit open). Try again shortly."),
            { Kind: UpstreamFailureKind.Timeout } => (HttpStatusCode.GatewayTimeout, "upstream_timeout",
                $"The upstream for model '{context.Model}' did not answer in time (target '{last.TargetId}')."),
            { Kind: UpstreamFailureKind.Credential } => (HttpStatusCode.BadGateway, "upstream_credential_missing", last.Reason),
            { Kind: UpstreamFailureKind.ClientCancelled } => ((HttpStatusCode)499, "client_closed_request", "The client closed the request."),
            _ => (HttpStatusCode.BadGateway, "upstream_unreachable",
                $"The upstream for model '{context.Model}' could not be reached (target '{last?.TargetId}': {last?.Reason})."),
        };
        return await FinishErrorAsync(context.Request, context.Started, context.Operation, context.Model, status, message, OpenAIError.Upstream, code, null,
            context.Decisions, target: last?.TargetId, attempts: attempts).ConfigureAwait(false);
    }

    private async Task<GatewayResponse> CompleteResponseAsync(CallContext context, TargetState target, HttpResponseMessage upstream, int attempts, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            using (upstream)
            {
                bytes = await upstream.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            target.Breaker.RecordFailure();
            var cancelled = cancellationToken.IsCancellationRequested;
            return await FinishErrorAsync(context.Request, context.Started, context.Operation, context.Model,
                cancelled ? (HttpStatusCode)499 : HttpStatusCode.BadGateway,
                cancelled ? "The client closed the request." : $"The upstream (target '{target.Id}') broke off its answer.",
                OpenAIError.Upstream, cancelled ? "client_closed_request" : "upstream_incomplete", null, context.Decisions, target.Id, attempts).ConfigureAwait(false);
        }

        JsonObject? json;
        try
        {
            json = JsonNode.Parse(bytes, NodeOptions, ParseOptions) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            target.Breaker.RecordFailure();
            return await FinishErrorAsync(context.Request, context.Started, context.Operation, context.Model, HttpStatusCode.BadGateway,
                $"The upstream (target '{target.Id}') answered with a body that is not complete JSON.", OpenAIError.Upstream, "upstream_invalid_response", null,
                context.Decisions, target.Id, attempts).ConfigureAwait(false);
        }

        var decisions = context.Decisions;
        var filterResults = AzureContentFilter.Collect(json);
        var responseSegments = ChatTextSegments.FromResponse(json);
        if (_chainEnabled && _chain.Policies.Count > 0 && context.Request.Operation == UpstreamOperation.ChatCompletions)
        {
            var result = _chain.RunResponse(responseSegments.Segments);
            decisions.AddRange(result.Decisions);
            RecordDecisions(result.Decisions);
            if (result.BlockingDecision is { } block)
            {
                return await FinishErrorAsync(context.Request, context.Started, context.Operation, context.Model, HttpStatusCode.BadRequest,
                    $"Response blocked by policy '{block.Policy}': {block.Reason}.", OpenAIError.PolicyViolation, block.Policy, null, decisions, target.Id, attempts).ConfigureAwait(false);
            }

            if (responseSegments.WriteBack())
            {
                bytes = JsonSerializer.SerializeToUtf8Bytes(json);
            }
        }

        var (prompt, completion) = Usage(json["usage"]);
        var response = new GatewayResponse { Status = 200, Body = bytes, TargetId = target.Id };
        await FinishAsync(context, response, target, prompt, completion, attempts, filterResults, responseSegments.JoinedText()).ConfigureAwait(false);
        return response;
    }

    private GatewayResponse StreamResponse(CallContext context, TargetState target, HttpResponseMessage upstream, int attempts)
    {
        var response = new GatewayResponse { Status = 200, ContentType = "text/event-stream", TargetId = target.Id };
        response.StreamTo = (output, cancellationToken) => PumpStreamAsync(context, target, upstream, attempts, response, output, cancellationToken);
        response.Headers.Add(new("x-keeptrusts-target", target.Id));
        AddPolicyHeader(response, context.Decisions);
        return response;
    }

    private async Task PumpStreamAsync(CallContext context, TargetState target, HttpResponseMessage upstream, int attempts, GatewayResponse response, Stream output, CancellationToken cancellationToken)
    {
        var relay = new SseRelay(_chainEnabled && context.Request.Operation == UpstreamOperation.ChatCompletions ? _chain : PolicyChain.Empty);
        var idle = TimeSpan.FromSeconds(target.Options.EffectiveStreamTimeoutSeconds);
        using var idleCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? errorCode = null;
        var firstByte = true;
        try
        {
            using (upstream)
            {
                await using var source = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var reader = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);
                while (true)
                {
                    idleCts.CancelAfter(idle);
                    var line = await reader.ReadLineAsync(idleCts.Token).ConfigureAwait(false);
                    if (line is null)
                    {
                        break;
                    }

                    var outgoing = relay.Process(line);
                    if (outgoing.Length > 0)
                    {
                        await output.WriteAsync(outgoing, cancellationToken).ConfigureAwait(false);
                        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                        if (firstByte)
                        {
                            firstByte = false;
                            _metrics.TimeToFirstByte(target.Id, _time.GetElapsedTime(context.Started));
                        }
                    }

                    if (relay.Blocked is { } block)
                    {
                        errorCode = block.Policy;
                        RecordDecisions([block]);
                        break;
                    }

                    if (relay.Done)
                    {
                        break;
                    }
                }

                if (relay.Blocked is null && !relay.Done)
                {
                    // The upstream closed without [DONE]: release what policies held back, then say so.
                    var tail = relay.Finish();
                    if (tail.Length > 0)
                    {
                        await output.WriteAsync(tail, cancellationToken).ConfigureAwait(false);
                    }

                    errorCode = "upstream_incomplete";
                    await output.WriteAsync(SseRelay.ErrorEvent($"The upstream (target '{target.Id}') ended the stream early.", OpenAIError.Upstream, errorCode), cancellationToken).ConfigureAwait(false);
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            target.Breaker.RecordSuccess();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: the using block above already cancelled and disposed the upstream call.
            errorCode = "client_closed_request";
            target.Breaker.RecordCancelled();
        }
        catch (OperationCanceledException)
        {
            errorCode = "upstream_stream_timeout";
            target.Breaker.RecordFailure();
            await TryWriteAsync(output, SseRelay.ErrorEvent($"The upstream (target '{target.Id}') sent nothing for {idle.TotalSeconds:0} seconds (stream_timeout_seconds).", OpenAIError.Upstream, errorCode), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            errorCode = "upstream_incomplete";
            target.Breaker.RecordFailure();
            await TryWriteAsync(output, SseRelay.ErrorEvent($"The upstream (target '{target.Id}') broke off the stream.", OpenAIError.Upstream, errorCode), cancellationToken).ConfigureAwait(false);
        }

        context.Decisions.AddRange(relay.StreamDecisions);
        RecordDecisions(relay.StreamDecisions.Where(d => d.Action != PolicyAction.Block));
        var status = errorCode switch
        {
            null => 200,
            "client_closed_request" => 499,
            _ when relay.Blocked is not null => 400,
            _ => 502,
        };
        // The client saw 200 and the events; the record and metrics keep what really happened.
        response.Status = status;
        response.ErrorCode = errorCode;
        await FinishAsync(context, response, target, relay.PromptTokens, relay.CompletionTokens, attempts, relay.ContentFilterResults, relay.ReleasedText).ConfigureAwait(false);
    }

    private async Task<GatewayResponse> PassThroughErrorAsync(CallContext context, TargetState target, HttpResponseMessage upstream, int attempts, CancellationToken cancellationToken)
    {
        byte[] bytes;
        using (upstream)
        {
            try
            {
                bytes = await upstream.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                bytes = OpenAIError.Body($"The upstream (target '{target.Id}') answered {(int)upstream.StatusCode} and broke off the body.", OpenAIError.Upstream, "upstream_incomplete");
            }
        }

        var status = (int)upstream.StatusCode;
        string? filterResults = null;
        string? code = null;
        var decisions = context.Decisions;
        if (AzureContentFilter.FromErrorBody(bytes) is { } filter)
        {
            code = "content_filter";
            filterResults = filter.Results;
            var decision = new PolicyDecision(AzureContentFilter.PolicyName, PolicyPhase.Request, PolicyAction.Block, filter.Reason, 1.0, []);
            decisions.Add(decision);
            RecordDecisions([decision]);
        }

        var response = new GatewayResponse
        {
            Status = status,
            Body = bytes,
            ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/json",
            TargetId = target.Id,
            ErrorCode = code ?? ErrorCodeOf(bytes),
        };
        foreach (var header in new[] { "retry-after", "retry-after-ms", "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "apim-request-id", "x-ms-region" })
        {
            if (upstream.Headers.TryGetValues(header, out var values))
            {
                response.Headers.Add(new(header, string.Join(",", values)));
            }
        }

        await FinishAsync(context, response, target, 0, 0, attempts, filterResults, null).ConfigureAwait(false);
        return response;
    }

    private async Task FinishAsync(CallContext context, GatewayResponse response, TargetState target, long prompt, long completion, int attempts, string? filterResults, string? completionText)
    {
        var cost = target.Options.Pricing?.CostOf(prompt, completion) ?? 0m;
        response.PromptTokens = prompt;
        response.CompletionTokens = completion;
        response.Cost = cost;
        response.TargetId = target.Id;
        response.Decisions.AddRange(context.Decisions);
        if (response.StreamTo is null)
        {
            response.Headers.Add(new("x-keeptrusts-target", target.Id));
            AddPolicyHeader(response, context.Decisions);
        }

        if (prompt + completion > 0)
        {
            _metrics.Usage(target.Id, context.Model ?? string.Empty, prompt, completion, cost);
            target.RateLimiter?.Correct(context.EstimatedTokens, prompt + completion);
        }

        var duration = _time.GetElapsedTime(context.Started);
        _metrics.RequestCompleted(context.Operation, context.Model ?? string.Empty, target.Id, response.Status, duration);
        await AuditAsync(context.Request, context.Model, target.Id, response.Status, response.ErrorCode, duration, prompt, completion, cost, attempts,
            context.Decisions, filterResults, context.Segments.JoinedText(), completionText).ConfigureAwait(false);
    }

    private async Task<GatewayResponse> FinishErrorAsync(
        GatewayRequest request, long started, string operation, string? model, HttpStatusCode status, string message, string type, string code, string? param,
        List<PolicyDecision>? decisions = null, string? target = null, int attempts = 0, TimeSpan? retryAfter = null)
    {
        var response = new GatewayResponse
        {
            Status = (int)status,
            Body = OpenAIError.Body(message, type, code, param),
            ErrorCode = code,
            TargetId = target,
        };
        if (retryAfter is { } wait)
        {
            response.Headers.Add(new("retry-after", Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (decisions is not null)
        {
            response.Decisions.AddRange(decisions);
            AddPolicyHeader(response, decisions);
        }

        var duration = _time.GetElapsedTime(started);
        _metrics.RequestCompleted(operation, model ?? string.Empty, target ?? string.Empty, response.Status, duration);
        GatewayLog.RequestRejected(_logger, request.RequestId, response.Status, code);
        if (decisions is null && !_config.Policy.AuditLogger.LogAllAccess)
        {
            // Rejected before any policy or upstream saw it (bad JSON, unknown model): recorded only with log_all_access.
            return response;
        }

        await AuditAsync(request, model, target, response.Status, code, duration, 0, 0, 0, attempts, decisions ?? [], null, null, null).ConfigureAwait(false);
        return response;
    }

    private async Task AuditAsync(
        GatewayRequest request, string? model, string? target, int status, string? errorCode, TimeSpan duration, long prompt, long completion, decimal cost,
        int attempts, IReadOnlyList<PolicyDecision> decisions, string? filterResults, string? promptText, string? completionText)
    {
        if (_audit is null)
        {
            return;
        }

        var mode = _config.Policy.AuditLogger.Content;
        var record = new AuditRecord
        {
            Time = _time.GetUtcNow(),
            RequestId = request.RequestId,
            ClientKeyId = request.ClientKeyId,
            Path = request.Path,
            Model = model,
            Target = target,
            Status = status,
            ErrorCode = errorCode,
            LatencyMs = Math.Round(duration.TotalMilliseconds, 3),
            PromptTokens = prompt,
            CompletionTokens = completion,
            Cost = cost,
            Attempts = attempts,
            Decisions = decisions.ToArray(),
            ContentFilterResults = filterResults,
            // Blocked requests keep no content: the text was what a policy refused.
            PromptContent = status == 400 && errorCode is not null ? null : Content(mode, promptText),
            CompletionContent = Content(mode, completionText),
        };
        try
        {
            await _audit.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GatewayLog.AuditFailed(_logger, request.RequestId, ex.Message);
            throw;
        }
    }

    private static string? Content(AuditContentMode mode, string? text) => mode switch
    {
        _ when string.IsNullOrEmpty(text) => null,
        AuditContentMode.Redacted => text,
        AuditContentMode.Hashed => "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text!))).ToLowerInvariant(),
        _ => null,
    };

    private void RecordDecisions(IEnumerable<PolicyDecision> decisions)
    {
        foreach (var decision in decisions)
        {
            _metrics.PolicyDecision(decision.Policy, decision.Phase.ToString().ToLowerInvariant(), decision.Action.ToString().ToLowerInvariant());
        }
    }

    /// <summary>A non-secret summary of the decisions: policy=action(spans);...</summary>
    private static void AddPolicyHeader(GatewayResponse response, IReadOnlyList<PolicyDecision> decisions)
    {
        if (decisions.Count == 0 || response.Headers.Any(h => h.Key == "x-keeptrusts-policy"))
        {
            return;
        }

        // One entry per policy: its strongest action over all phases, with the number of spans it matched.
        var summary = string.Join(";", decisions
            .GroupBy(d => d.Policy, StringComparer.Ordinal)
            .Select(g =>
            {
                var action = g.Max(d => d.Action);
                var spans = g.Where(d => d.Action == action).Sum(d => d.Spans.Count);
                return $"{g.Key}={action.ToString().ToLowerInvariant()}" + (action != PolicyAction.Allow && spans > 0 ? $"({spans})" : string.Empty);
            }));
        response.Headers.Add(new("x-keeptrusts-policy", summary));
    }

    private static (string Message, string? Param)? CheckShape(JsonObject body, UpstreamOperation operation)
    {
        if (body["stream"] is { } stream && stream.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return ("'stream' must be true or false.", "stream");
        }

        if (operation == UpstreamOperation.Embeddings)
        {
            return body["input"] is JsonValue or JsonArray ? null : ("'input' is required: a string or an array of strings.", "input");
        }

        if (body["messages"] is not JsonArray messages || messages.Count == 0)
        {
            return ("'messages' is required: a non-empty array of {\"role\", \"content\"} objects.", "messages");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || !TryGetString(message, "role", out _))
            {
                return ($"'messages[{i}]' must be an object with a string 'role'.", $"messages[{i}]");
            }

            if (message["content"] is { } content && content.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null))
            {
                return ($"'messages[{i}].content' must be a string or an array of content parts.", $"messages[{i}].content");
            }
        }

        return null;
    }

    private static bool TryGetString(JsonObject body, string name, out string value)
    {
        if (body[name] is JsonValue node && node.TryGetValue<string>(out var text) && text.Length > 0)
        {
            value = text;
            return true;
        }

        value = string.Empty;
        return false;
    }

    private static long EstimateTokens(JsonObject body, ChatTextSegments segments)
    {
        long maxTokens = 0;
        if (body["max_tokens"] is JsonValue max && max.TryGetValue<long>(out var m))
        {
            maxTokens = m;
        }
        else if (body["max_completion_tokens"] is JsonValue maxCompletion && maxCompletion.TryGetValue<long>(out var mc))
        {
            maxTokens = mc;
        }

        return Math.Max(1, segments.TotalLength / 4) + maxTokens;
    }

    internal static (long Prompt, long Completion) Usage(JsonNode? usage)
    {
        if (usage is not JsonObject u)
        {
            return (0, 0);
        }

        long Read(string name) => u[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
        return (Read("prompt_tokens"), Read("completion_tokens"));
    }

    private static string? ErrorCodeOf(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body)?["error"]?["code"]?.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string JsonErrorText(Exception ex)
    {
        if (ex is JsonException { LineNumber: { } line, BytePositionInLine: { } position })
        {
            var message = ex.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return $"{(cut > 0 ? message[..cut] : message).TrimEnd('.')} (line {line + 1}, byte {position + 1})";
        }

        return ex.Message.TrimEnd('.');
    }

    private static async Task TryWriteAsync(Stream output, byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone too; the audit record still says what happened.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_audit is not null)
        {
            await _audit.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed record CallContext(
        GatewayRequest Request, string? Model, string Operation, bool Stream, long Started, List<PolicyDecision> Decisions,
        ChatTextSegments Segments, long EstimatedTokens);
}
