using System.Net.Http.Headers;
using System.Text.Json;

namespace KeepTrusts.Engine.Chat;

/// <summary>
/// GET {gateway}/v1/models of any OpenAI-compatible gateway, for the module's -Model completion: the model ids and, from a
/// KeepTrusts gateway, the targets that serve each. Bounded by a short timeout and a 1 MB body, because it runs while a
/// user waits on Tab; every failure is an empty list (completion never reports errors).
/// </summary>
public static class GatewayModelList
{
    /// <summary>The most a models listing may be; a larger answer is not a model list the completer can use.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<IReadOnlyList<(string Id, string[] Targets)>> FetchAsync(
        Uri gatewayUrl, string? apiKey, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (gatewayUrl.Scheme is not ("http" or "https"))
        {
            return [];
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxBodyBytes };
        using var message = new HttpRequestMessage(HttpMethod.Get, ModelsUrl(gatewayUrl));
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        try
        {
            using var response = await http.SendAsync(message, timeoutSource.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return [];
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeoutSource.Token).ConfigureAwait(false);
            return Parse(body);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>The same base-URL rule as a chat call: {url}/v1/models, or {url}/models when the URL already ends in /v1.</summary>
    public static Uri ModelsUrl(Uri gatewayUrl) =>
        new(gatewayUrl.ToString().TrimEnd('/') + (gatewayUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal) ? string.Empty : "/v1") + "/models");

    private static List<(string Id, string[] Targets)> Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var models = new List<(string Id, string[] Targets)>();
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return models;
        }

        foreach (var model in data.EnumerateArray())
        {
            if (model.ValueKind != JsonValueKind.Object || !model.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var targets = model.TryGetProperty("targets", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray()
                : [];
            models.Add((id.GetString()!, targets));
        }

        return models;
    }
}
