using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>The targets an exchange may go to: the pinned one, or the model's candidates; a 404 naming what exists otherwise.</summary>
internal static class TargetSelection
{
    public static (IReadOnlyList<TargetState> Candidates, GatewayError? Error) Select(TargetRouter router, CanonicalExchange exchange)
    {
        if (exchange.Request.TargetId is { } pinned)
        {
            return router.Find(pinned) is { } target
                ? ([target], null)
                : ([], new GatewayError(404, OpenAIError.InvalidRequest, "target_not_found",
                    $"No target has id '{pinned}'. Configured targets: {string.Join(", ", router.Targets.Select(t => t.Id))}.", "target"));
        }

        var candidates = router.Candidates(exchange.Model);
        return candidates.Count > 0
            ? (candidates, null)
            : ([], new GatewayError(404, OpenAIError.InvalidRequest, "model_not_found",
                $"The model '{exchange.Model}' is not served by this gateway. Configured models: {string.Join(", ", router.Models)}.", "model"));
    }
}
