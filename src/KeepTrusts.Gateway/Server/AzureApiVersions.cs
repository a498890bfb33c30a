namespace KeepTrusts.Gateway.Server;

/// <summary>
/// The api-version values the Azure OpenAI data plane publishes for chat completions and embeddings (GA and preview),
/// which Azure paths of the gateway accept. The call upstream uses the target's own azure_api_version.
/// </summary>
internal static class AzureApiVersions
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "2022-12-01", "2023-05-15", "2023-06-01-preview", "2023-07-01-preview", "2023-08-01-preview", "2023-09-01-preview",
        "2023-10-01-preview", "2023-12-01-preview", "2024-02-01", "2024-02-15-preview", "2024-03-01-preview", "2024-04-01-preview",
        "2024-05-01-preview", "2024-06-01", "2024-07-01-preview", "2024-08-01-preview", "2024-09-01-preview", "2024-10-01-preview",
        "2024-10-21", "2024-12-01-preview", "2025-01-01-preview", "2025-02-01-preview", "2025-03-01-preview", "2025-04-01-preview",
    };
}
