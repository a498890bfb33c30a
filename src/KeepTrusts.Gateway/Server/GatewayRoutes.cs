using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// The routes of each inbound dialect (docs/gateway.md lists them): OpenAI v1, and Azure OpenAI's data plane — the
/// deployments paths with api-version, and its /openai/v1 paths — all onto the same pipeline.
/// </summary>
internal static class GatewayRoutes
{
    public const string Summary =
        "OpenAI: POST /v1/chat/completions, /v1/embeddings, /v1/responses; GET /v1/models, /v1/models/{id}. " +
        "Azure OpenAI: POST /openai/deployments/{deployment}/chat/completions|embeddings?api-version=..., /openai/v1/chat/completions, " +
        "/openai/v1/embeddings, /openai/v1/responses; GET /openai/v1/models. Also /healthz, /readyz, /metrics.";

    public static void Map(WebApplication app)
    {
        const InboundDialect openAI = InboundDialect.OpenAI;
        const InboundDialect azure = InboundDialect.AzureOpenAI;
        app.MapPost("/v1/chat/completions", c => ChatEndpoint.HandleAsync(c, UpstreamOperation.ChatCompletions, openAI));
        app.MapPost("/v1/embeddings", c => ChatEndpoint.HandleAsync(c, UpstreamOperation.Embeddings, openAI));
        app.MapPost("/v1/responses", c => ChatEndpoint.HandleAsync(c, UpstreamOperation.Responses, openAI));
        app.MapGet("/v1/models", c => ModelsAsync(c, openAI, null));
        app.MapGet("/v1/models/{id}", c => ModelsAsync(c, openAI, RouteValue(c, "id")));

        app.MapPost("/openai/deployments/{deployment}/chat/completions", c => DeploymentAsync(c, UpstreamOperation.ChatCompletions, RouteValue(c, "deployment")));
        app.MapPost("/openai/deployments/{deployment}/embeddings", c => DeploymentAsync(c, UpstreamOperation.Embeddings, RouteValue(c, "deployment")));
        app.MapPost("/openai/v1/chat/completions", c => ChatEndpoint.HandleAsync(c, UpstreamOperation.ChatCompletions, azure));
        app.MapPost("/openai/v1/embeddings", c => ChatEndpoint.HandleAsync(c, UpstreamOperation.Embeddings, azure));
        app.MapPost("/openai/v1/responses", c => ChatEndpoint.HandleAsync(c, UpstreamOperation.Responses, azure));
        app.MapGet("/openai/v1/models", c => ModelsAsync(c, azure, null));
        app.MapGet("/openai/v1/models/{id}", c => ModelsAsync(c, azure, RouteValue(c, "id")));
    }

    // Plain RequestDelegates everywhere, route values read here: a handler with typed parameters makes ASP.NET Core's
    // RequestDelegateFactory build and compile expression trees (System.Linq.Expressions, ~2.4 MB mapped plus the JIT'd
    // compiler) and bind parameters on every request (bench/README.md, "Round 4").
    private static string RouteValue(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    /// <summary>
    /// No route took the request (unknown path, or a method a route does not take): 404 listing the routes, recorded as
    /// a not_routed outcome (kt_requests_total; audited with log_all_access, like every early reject).
    /// </summary>
    public static Task UnknownRouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var dialect = path.StartsWith("/openai/", StringComparison.Ordinal) ? InboundDialect.AzureOpenAI : InboundDialect.OpenAI;
        var requestId = ChatEndpoint.RequestId(context);
        context.Response.Headers["x-request-id"] = requestId;
        return ChatEndpoint.RejectAsync(context, context.RequestServices.GetRequiredService<GatewayPipeline>(), UpstreamOperation.NotRouted, dialect, null, requestId, null,
            new GatewayError(404, OpenAIError.InvalidRequest, dialect == InboundDialect.AzureOpenAI ? "404" : "unknown_route",
                $"Unknown route {context.Request.Method} {path}. Routes: {Summary}"));
    }

    /// <summary>Azure's deployments paths need an api-version Azure publishes; a missing or unknown one is Azure's own 404.</summary>
    private static Task DeploymentAsync(HttpContext context, UpstreamOperation operation, string deployment)
    {
        var version = context.Request.Query["api-version"].ToString();
        if (!AzureApiVersions.Known.Contains(version))
        {
            var message = version.Length == 0
                ? "Resource not found: the api-version query parameter is missing. Add ?api-version=2024-10-21 (or another Azure OpenAI data-plane version)."
                : $"Resource not found: api-version '{version}' is not an Azure OpenAI data-plane version. Use for example 2024-10-21 or 2025-04-01-preview.";
            var requestId = ChatEndpoint.RequestId(context);
            context.Response.Headers["x-request-id"] = requestId;
            ChatEndpoint.Identify(context, out var identity);
            return ChatEndpoint.RejectAsync(context, context.RequestServices.GetRequiredService<GatewayPipeline>(), operation, InboundDialect.AzureOpenAI, deployment,
                requestId, identity?.Id, new GatewayError(404, OpenAIError.InvalidRequest, "404", message, "api-version"));
        }

        return ChatEndpoint.HandleAsync(context, operation, InboundDialect.AzureOpenAI, deployment);
    }

    /// <summary>The models listing, answered from the config; recorded as a models outcome (401 and 404 included).</summary>
    private static async Task ModelsAsync(HttpContext context, InboundDialect dialect, string? id)
    {
        var requestId = ChatEndpoint.RequestId(context);
        context.Response.Headers["x-request-id"] = requestId;
        var pipeline = context.RequestServices.GetRequiredService<GatewayPipeline>();
        // Authenticate, not Identify: a disabled or expired virtual key does not list models either.
        if (!ChatEndpoint.Authenticate(context, out var clientKeyId))
        {
            await ChatEndpoint.RejectAsync(context, pipeline, UpstreamOperation.ModelsList, dialect, null, requestId, null, ChatEndpoint.Unauthorized).ConfigureAwait(false);
            return;
        }

        var body = id is null ? ModelList.All(pipeline.Config) : ModelList.One(pipeline.Config, id);
        if (body is null)
        {
            await ChatEndpoint.RejectAsync(context, pipeline, UpstreamOperation.ModelsList, dialect, null, requestId, clientKeyId, new GatewayError(404, OpenAIError.InvalidRequest, "model_not_found",
                $"The model '{id}' is not served by this gateway. GET {(dialect == InboundDialect.AzureOpenAI ? "/openai/v1/models" : "/v1/models")} lists the models.", "model")).ConfigureAwait(false);
            return;
        }

        // Recorded, then written, as the pipeline does: a client that leaves mid-write still has its record.
        await pipeline.RecordAnsweredAsync(new GatewayRequest
        {
            Operation = UpstreamOperation.ModelsList,
            Dialect = dialect,
            RequestId = requestId,
            ClientKeyId = clientKeyId,
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? string.Empty,
        }, StatusCodes.Status200OK).ConfigureAwait(false);
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left before the list was written; the record was already made.
        }
    }
}
