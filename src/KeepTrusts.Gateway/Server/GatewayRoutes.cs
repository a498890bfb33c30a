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

    public static Task UnknownRouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var dialect = path.StartsWith("/openai/", StringComparison.Ordinal) ? InboundDialect.AzureOpenAI : InboundDialect.OpenAI;
        return ChatEndpoint.WriteErrorAsync(context, dialect, new GatewayError(404, OpenAIError.InvalidRequest, dialect == InboundDialect.AzureOpenAI ? "404" : "unknown_route",
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
                requestId, identity, new GatewayError(404, OpenAIError.InvalidRequest, "404", message, "api-version"));
        }

        return ChatEndpoint.HandleAsync(context, operation, InboundDialect.AzureOpenAI, deployment);
    }

    private static Task ModelsAsync(HttpContext context, InboundDialect dialect, string? id)
    {
        if (!ChatEndpoint.Authenticate(context, out _))
        {
            return ChatEndpoint.WriteErrorAsync(context, dialect, ChatEndpoint.Unauthorized);
        }

        var config = context.RequestServices.GetRequiredService<GatewayPipeline>().Config;
        var body = id is null ? ModelList.All(config) : ModelList.One(config, id);
        if (body is null)
        {
            return ChatEndpoint.WriteErrorAsync(context, dialect, new GatewayError(404, OpenAIError.InvalidRequest, "model_not_found",
                $"The model '{id}' is not served by this gateway. GET {(dialect == InboundDialect.AzureOpenAI ? "/openai/v1/models" : "/v1/models")} lists the models.", "model"));
        }

        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
