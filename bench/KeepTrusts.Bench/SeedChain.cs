using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Bench;

/// <summary>The seed's full chain (prompt-injection 0.8 block, pii-detector redact, safety-filter strict block).</summary>
internal static class SeedChain
{
    /// <param name="classifier">builtin (the default: heuristics and the learned model) or off (heuristics only).</param>
    public static PolicyChain Create(string classifier = "builtin")
    {
        var config = PolicyConfigLoader.LoadText($$"""
            pack: { name: bench }
            policies:
              chain: [prompt-injection, pii-detector, safety-filter]
            policy:
              prompt-injection: { threshold: 0.8, action: block, classifier: {{classifier}} }
              pii-detector: { action: redact }
              safety-filter: { mode: strict, action: block }
            providers:
              targets:
                - { id: echo, provider: echo, model: gpt-4o }
            """, "bench.yaml", _ => true).Config!;
        return PolicyChainFactory.Create(config);
    }

    /// <summary>Ordinary operations-team prose with numbers, versions and dates, but no PII: the common case.</summary>
    public static string BenignText(int size)
    {
        const string paragraph = "We run Azure OpenAI behind private endpoints in East US and West Europe. Version 2.4 of the runbook " +
            "rotates keys every 90 days and the deployment gpt-4o-prod serves 450 requests per minute at peak on 2025-03-12. " +
            "Please summarize the capacity plan, list the risks, and suggest how to size the deployments for steady traffic. ";
        var text = new System.Text.StringBuilder(size + paragraph.Length);
        while (text.Length < size)
        {
            text.Append(paragraph);
        }

        return text.ToString(0, size);
    }
}
