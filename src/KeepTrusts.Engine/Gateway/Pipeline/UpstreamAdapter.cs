using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 4, outbound: the canonical exchange in the target's own dialect — its URL (Azure deployment path and
/// api-version, OpenAI /v1, the Azure v1 Responses path) and the body. Chat and embeddings bodies are the same JSON for
/// azure-openai and openai targets (Azure ignores the model field); a target that cannot serve the operation is a 400.
/// </summary>
internal static class UpstreamAdapter
{
    public static (Uri? Url, GatewayError? Error) UrlFor(TargetState target, UpstreamOperation operation)
    {
        if (operation == UpstreamOperation.Responses && UpstreamUrl.ResponsesFor(target.Options) is null)
        {
            return (null, GatewayError.Invalid("operation_not_supported",
                $"Target '{target.Id}' cannot serve the Responses API: it is an Azure OpenAI target behind a path_template, whose v1 path is unknown. " +
                "Use /v1/chat/completions, or route this model to a target without path_template."));
        }

        // Built once per target and operation: the options do not change while a pipeline uses them.
        var urls = Urls.GetValue(target.Options, _ => new Uri?[3]);
        var index = (int)operation;
        return (urls[index] ??= UpstreamUrl.For(target.Options, operation), null);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Configuration.TargetOptions, Uri?[]> Urls = new();
}
