using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Maps the {deployment} of an Azure OpenAI path to the model the gateway routes by: first a target whose
/// <c>azure_deployment</c> is that name (its model's targets then serve the call, fallbacks included), then a configured
/// model of that name. Null when neither matches (Azure's DeploymentNotFound).
/// </summary>
public static class DeploymentResolver
{
    public static string? Resolve(TargetRouter router, string deployment)
    {
        foreach (var target in router.Targets)
        {
            if (string.Equals(target.Options.AzureDeployment, deployment, StringComparison.Ordinal))
            {
                return target.Options.Model;
            }
        }

        return router.Models.FirstOrDefault(m => string.Equals(m, deployment, StringComparison.Ordinal));
    }

    /// <summary>Every name a client may put in the deployments path.</summary>
    public static IEnumerable<string> Names(TargetRouter router) =>
        router.Targets.Select(t => t.Options.AzureDeployment).OfType<string>().Where(d => d.Length > 0).Concat(router.Models).Distinct(StringComparer.Ordinal);
}
