using System.Buffers;
using System.Net.ServerSentEvents;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;
using Microsoft.AspNetCore.Http.Features;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// The HTTP side of one POST, whatever the dialect: client key, content type and body limits, then the pipeline; the
/// answer is written as JSON or, for streams, as Server-Sent Events with System.Net.ServerSentEvents' formatter.
/// </summary>
internal static class ChatEndpoint
{
    public static async Task HandleAsync(HttpContext context, UpstreamOperation operation, InboundDialect dialect, string? deployment = null)
    {
        var requestId = RequestId(context);
        context.Response.Headers["x-request-id"] = requestId;
        var pipeline = context.RequestServices.GetRequiredService<GatewayPipeline>();
        if (!Identify(context, out var identity))
        {
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, null, Unauthorized).ConfigureAwait(false);
            return;
        }

        var contentType = context.Request.ContentType;
        if (!IsJson(contentType))
        {
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, identity?.Id, new GatewayError(415, OpenAIError.InvalidRequest, "unsupported_media_type",
                $"Content-Type must be application/json (got '{contentType ?? "none"}').")).ConfigureAwait(false);
            return;
        }

        // The body is read as it arrives: a compressed one would be judged as broken JSON ("not valid UTF-8"), and one
        // labelled compressed but sent plain would be taken as it is. Say what is wrong instead.
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, identity?.Id, new GatewayError(415, OpenAIError.InvalidRequest, "unsupported_content_encoding",
                $"Content-Encoding '{(encoding.Length > 64 ? encoding[..64] + "..." : encoding)}' is not supported: send the JSON body uncompressed, without a Content-Encoding header.")).ConfigureAwait(false);
            return;
        }

        var limit = pipeline.Config.Gateway.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, identity?.Id,
                TooLarge(limit) with { Message = $"The request body is {length} bytes; the limit is {limit} (gateway.max_request_body_bytes)." }).ConfigureAwait(false);
            return;
        }

        PooledBody body;
        try
        {
            body = await PooledBody.ReadAsync(context.Request.Body, context.Request.ContentLength, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, identity?.Id, TooLarge(limit)).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException ex)
        {
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, identity?.Id, new GatewayError(ex.StatusCode, OpenAIError.InvalidRequest, "bad_request_body",
                ex.StatusCode == StatusCodes.Status408RequestTimeout
                    ? "The request body could not be read: the client sent it too slowly (under 240 bytes/s after the first 5 s)."
                    : "The request body could not be read: its framing is not valid HTTP (a malformed chunk, or less data than Content-Length said).")).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left while sending the body: no one to answer, but the attempt is still recorded.
            await RejectAsync(context, pipeline, operation, dialect, deployment, requestId, identity?.Id,
                GatewayError.Upstream(0, "client_closed_request", "The client closed the request while sending its body.")).ConfigureAwait(false);
            return;
        }

        // The body's pooled buffer is returned once the answer is written (a stream reads the typed request, not the bytes, by then).
        using (body)
        {
            var response = await pipeline.HandleAsync(new GatewayRequest
            {
                Operation = operation,
                Dialect = dialect,
                Deployment = deployment,
                Body = body.Memory,
                RequestId = requestId,
                ClientKeyId = identity?.Id,
                VirtualKey = identity?.VirtualKey,
                Path = context.Request.Path.Value ?? string.Empty,
            }, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, response).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An early refusal, recorded like every other request (the pipeline's outcome: metrics, and the audit record with
    /// log_all_access), then written in the client's dialect.
    /// </summary>
    internal static async Task RejectAsync(HttpContext context, GatewayPipeline pipeline, UpstreamOperation operation, InboundDialect dialect, string? deployment,
        string requestId, string? clientKeyId, GatewayError error)
    {
        var response = await pipeline.RejectAsync(new GatewayRequest
        {
            Operation = operation,
            Dialect = dialect,
            Deployment = deployment,
            RequestId = requestId,
            ClientKeyId = clientKeyId,
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? string.Empty,
        }, error).ConfigureAwait(false);
        await WriteAsync(context, response).ConfigureAwait(false);
    }

    /// <summary>application/json, with or without parameters (charset); not any type that merely starts with it ("application/jsonl").</summary>
    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    // Made only when a body is refused (it was built, message and all, on every request).
    private static GatewayError TooLarge(long limit) => new(413, OpenAIError.InvalidRequest, "request_too_large",
        $"The request body is larger than the limit of {limit} bytes (gateway.max_request_body_bytes).");

    /// <summary>
    /// Who sent the request; false when keys are required and none matches. A disabled or expired virtual key is
    /// identified here and refused by the pipeline, so the client learns why and the refusal is audited.
    /// </summary>
    public static bool Identify(HttpContext context, out ClientIdentity? identity)
    {
        var authenticator = context.RequestServices.GetRequiredService<KeepTrusts.Engine.Gateway.Reload.GatewayLease>().Authenticator;
        identity = null;
        if (!authenticator.Enabled)
        {
            return true;
        }

        identity = authenticator.Identify(context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString());
        return identity is not null;
    }

    public static bool Authenticate(HttpContext context, out string? clientKeyId)
    {
        var authenticator = context.RequestServices.GetRequiredService<KeepTrusts.Engine.Gateway.Reload.GatewayLease>().Authenticator;
        clientKeyId = null;
        if (!authenticator.Enabled)
        {
            return true;
        }

        clientKeyId = authenticator.Authenticate(context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString());
        return clientKeyId is not null;
    }

    public static readonly GatewayError Unauthorized = new(401, OpenAIError.Authentication, "invalid_api_key",
        "Missing or unknown API key. Send it as 'Authorization: Bearer <key>' or 'api-key: <key>'.");

    public static Task WriteErrorAsync(HttpContext context, InboundDialect dialect, GatewayError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(GatewayErrors.Body(dialect, error)).AsTask();
    }

    private static async Task WriteAsync(HttpContext context, GatewayResponse response)
    {
        if (response.ClientClosed)
        {
            // The client is gone: there is no one to answer (the outcome is already recorded).
            return;
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        // What Invoke-KtChat -GatewayUrl reports beside the answer (cost, decisions), as the in-process call does.
        var pipeline = context.RequestServices.GetRequiredService<GatewayPipeline>();
        var pricing = PricingOf(pipeline, response.TargetId);
        foreach (var (name, value) in KtResultHeaders.For(response, pricing))
        {
            context.Response.Headers[name] = value;
        }

        if (response.Events is { } events)
        {
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                await SseFormatter.WriteAsync(AsSse(context, events, context.RequestAborted), context.Response.Body, WriteData, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The client left mid-stream; the stream stage recorded it.
            }

            return;
        }

        try
        {
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left before the answer was written; the audit record was already made.
        }
    }

    /// <summary>
    /// The events as SSE items. The headers go out with the first event when it is ready at once (one send, not two:
    /// an upstream usually sends its first chunk with its headers), or on their own as soon as it is not (a model still
    /// working), so a client always learns at once that its stream started.
    /// </summary>
    private static async IAsyncEnumerable<SseItem<ChatEvent>> AsSse(HttpContext context, IAsyncEnumerable<ChatEvent> events, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            var next = enumerator.MoveNextAsync();
            if (!next.IsCompleted)
            {
                await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            while (await next.ConfigureAwait(false))
            {
                var item = enumerator.Current;
                yield return new SseItem<ChatEvent>(item, item.EventType);
                next = enumerator.MoveNextAsync();
            }
        }
    }

    private static void WriteData(SseItem<ChatEvent> item, IBufferWriter<byte> writer) => writer.Write(item.Data.Data.Span);

    // A loop, not FirstOrDefault with a closure over the answer: this runs on every answer.
    private static Engine.Configuration.PricingOptions? PricingOf(GatewayPipeline pipeline, string? targetId)
    {
        foreach (var target in pipeline.Config.Providers.Targets)
        {
            if (target.Id == targetId)
            {
                return target.Pricing;
            }
        }

        return null;
    }

    internal static string RequestId(HttpContext context)
    {
        var given = context.Request.Headers["x-request-id"].ToString();
        // Only a short token-like id is echoed back, so a client cannot inject text into headers or logs.
        return given.Length is > 0 and <= 64 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? given
            : RequestIds.New();
    }
}
