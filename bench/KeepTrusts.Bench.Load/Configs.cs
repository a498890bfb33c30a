namespace KeepTrusts.Bench.Load;

/// <summary>The two gateway configs under test: no policies, and the seed's full chain with the audit log on.</summary>
internal static class Configs
{
    public static string Write(string directory, string upstreamUrl, bool fullChain, bool fsync = true, string? auditPath = null)
    {
        var path = Path.Combine(directory, auditPath is not null ? auditPath + ".yaml" : !fullChain ? "no-policies.yaml" : fsync ? "full-chain.yaml" : "full-chain-no-fsync.yaml");
        var chain = fullChain ? $$"""
            policies:
              chain: [prompt-injection, pii-detector, safety-filter, audit-logger]
            policy:
              prompt-injection: { threshold: 0.8, action: block }
              pii-detector: { action: redact }
              safety-filter: { mode: strict, action: block }
              audit-logger: { retention_days: 1, immutable: true, path: {{auditPath ?? (fsync ? "audit" : "audit-os")}}, fsync: {{(fsync ? "true" : "false")}} }
            """ : string.Empty;
        File.WriteAllText(path, $$"""
            pack: { name: bench-{{(fullChain ? "full" : "none")}} }
            {{chain}}
            providers:
              retry: { max_retries: 0 }
              targets:
                - id: fast
                  provider: azure-openai
                  model: gpt-4o
                  base_url: {{upstreamUrl}}
                  azure_api_version: "2024-10-21"
                  pricing: { input_per_million: 2.5, output_per_million: 10 }
            """);
        return path;
    }
}
