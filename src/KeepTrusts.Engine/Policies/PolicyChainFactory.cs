using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies.Pii;
using KeepTrusts.Engine.Policies.PromptInjection;
using KeepTrusts.Engine.Policies.Safety;

namespace KeepTrusts.Engine.Policies;

/// <summary>Builds the configured chain (in order) and the audit sink; the same for the kt server and Invoke-KtChat.</summary>
public static class PolicyChainFactory
{
    public static PolicyChain Create(PolicyConfig config)
    {
        var policies = new List<IPolicy>();
        foreach (var name in config.Policies.Chain)
        {
            IPolicy? policy = name switch
            {
                PolicyNames.PromptInjection => PromptInjectionLayers.Wrap(new PromptInjectionPolicy(config.Policy.PromptInjection), config.Policy.PromptInjection, ConfigDirectory(config)),
                PolicyNames.PiiDetector => new PiiDetectorPolicy(config.Policy.PiiDetector),
                PolicyNames.SafetyFilter => new SafetyFilterPolicy(config.Policy.SafetyFilter),
                // audit-logger is not a content policy: it is the audit sink.
                _ => null,
            };
            if (policy is not null)
            {
                policies.Add(policy);
            }
        }

        return new PolicyChain(policies);
    }

    /// <summary>The audit writer when audit-logger is in the chain; its path is relative to the config file.</summary>
    public static IAuditSink? CreateAuditSink(PolicyConfig config, TimeProvider? time = null)
    {
        if (!config.Policies.Chain.Contains(PolicyNames.AuditLogger))
        {
            return null;
        }

        return new AuditLogWriter(config.Policy.AuditLogger, AuditDirectory(config), time);
    }

    public static string AuditDirectory(PolicyConfig config)
    {
        var baseDirectory = string.IsNullOrEmpty(config.SourcePath) ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(config.SourcePath)!;
        return Path.GetFullPath(Path.Combine(baseDirectory, config.Policy.AuditLogger.Path));
    }

    /// <summary>The directory relative paths in the config (audit path, model files) start from.</summary>
    public static string ConfigDirectory(PolicyConfig config) =>
        string.IsNullOrEmpty(config.SourcePath) ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(config.SourcePath))!;
}
