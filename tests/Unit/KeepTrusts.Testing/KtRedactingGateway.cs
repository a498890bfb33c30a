namespace KeepTrusts.Testing;

/// <summary>
/// A real kt process in front of a fake Azure OpenAI with a redacting PII chain and an audit log of every request
/// (fsync off: these tests count records, not crash safety) in <c>{work}/audit</c>.
/// </summary>
public static class KtRedactingGateway
{
    /// <summary>Writes the config into <paramref name="work"/> and starts kt on a free loopback port.</summary>
    public static KtProcess Start(string work, string pack, FakeAzureOpenAI fake)
    {
        var config = Path.Combine(work, "policy-config.yaml");
        File.WriteAllText(config, $$"""
            pack: { name: {{pack}} }
            policies:
              chain: [pii-detector, audit-logger]
            policy:
              pii-detector: { action: redact }
              audit-logger: { log_all_access: true, content: redacted, path: audit, fsync: false }
            providers:
              targets:
                - id: azure-a
                  provider: azure-openai
                  model: gpt-4o
                  base_url: {{fake.BaseUrl}}
                  azure_api_version: "2024-10-21"
                  retry: { max_retries: 0 }
                  circuit_breaker: { enabled: false }
            """);
        return KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config, "--quiet"],
            new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = FakeAzureOpenAI.ApiKey });
    }
}
