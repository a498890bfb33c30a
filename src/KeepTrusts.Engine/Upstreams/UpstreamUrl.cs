using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Upstreams;

/// <summary>Builds the upstream URL of an operation for a target (Azure deployment paths, api-version, path_template).</summary>
public static class UpstreamUrl
{
    public const string OpenAIDefaultBaseUrl = "https://api.openai.com";

    public static Uri For(TargetOptions target, UpstreamOperation operation)
    {
        if (operation == UpstreamOperation.Responses)
        {
            return ResponsesFor(target) ?? throw new InvalidOperationException($"Target '{target.Id}' cannot serve the Responses API.");
        }

        var suffix = operation == UpstreamOperation.ChatCompletions ? "chat/completions" : "embeddings";
        switch (target.Provider)
        {
            case ProviderKind.AzureOpenAI:
                var baseUrl = target.BaseUrl!.TrimEnd('/');
                var deployment = Uri.EscapeDataString(target.EffectiveDeployment);
                var path = target.PathTemplate is { } template
                    ? AzurePathFromTemplate(template, deployment, suffix)
                    : $"/openai/deployments/{deployment}/{suffix}";
                var separator = path.Contains('?') ? '&' : '?';
                return new Uri($"{baseUrl}{path}{separator}api-version={Uri.EscapeDataString(target.EffectiveAzureApiVersion)}");
            case ProviderKind.OpenAI:
                var openAiBase = (target.BaseUrl ?? OpenAIDefaultBaseUrl).TrimEnd('/');
                // Accept base URLs given with or without the /v1 segment.
                var v1 = openAiBase.EndsWith("/v1", StringComparison.Ordinal) ? openAiBase : openAiBase + "/v1";
                return new Uri($"{v1}/{suffix}");
            default:
                return new Uri($"echo://{Uri.EscapeDataString(target.Id)}/{suffix}");
        }
    }

    /// <summary>
    /// The Responses API URL of a target: Azure's v1 data plane (/openai/v1/responses, no api-version), OpenAI's
    /// /v1/responses, the echo target; null for an Azure target behind a path_template (its gateway's v1 path is unknown).
    /// </summary>
    public static Uri? ResponsesFor(TargetOptions target) => target.Provider switch
    {
        ProviderKind.AzureOpenAI when target.PathTemplate is null => new Uri(target.BaseUrl!.TrimEnd('/') + "/openai/v1/responses"),
        ProviderKind.AzureOpenAI => null,
        ProviderKind.OpenAI => new Uri(OpenAIV1(target) + "/responses"),
        _ => new Uri($"echo://{Uri.EscapeDataString(target.Id)}/responses"),
    };

    private static string OpenAIV1(TargetOptions target)
    {
        var openAiBase = (target.BaseUrl ?? OpenAIDefaultBaseUrl).TrimEnd('/');
        return openAiBase.EndsWith("/v1", StringComparison.Ordinal) ? openAiBase : openAiBase + "/v1";
    }

    /// <summary>The URL an active health probe GETs: health_probe.path, else the provider's models listing.</summary>
    public static Uri ProbeFor(TargetOptions target)
    {
        var probePath = target.HealthProbe?.Path;
        return target.Provider switch
        {
            ProviderKind.AzureOpenAI => new Uri(target.BaseUrl!.TrimEnd('/') + (probePath ?? $"/openai/models?api-version={Uri.EscapeDataString(target.EffectiveAzureApiVersion)}")),
            ProviderKind.OpenAI => new Uri((target.BaseUrl ?? OpenAIDefaultBaseUrl).TrimEnd('/') + (probePath ?? "/v1/models")),
            _ => new Uri($"echo://{Uri.EscapeDataString(target.Id)}/models"),
        };
    }

    private static string AzurePathFromTemplate(string template, string deployment, string suffix)
    {
        var path = template.Replace("{deployment}", deployment, StringComparison.Ordinal);
        if (path.Contains("{operation}", StringComparison.Ordinal))
        {
            return path.Replace("{operation}", suffix, StringComparison.Ordinal);
        }

        // A template that names a chat path serves embeddings by swapping the last segment.
        return suffix == "embeddings" && path.EndsWith("/chat/completions", StringComparison.Ordinal)
            ? path[..^"chat/completions".Length] + "embeddings"
            : path;
    }
}
