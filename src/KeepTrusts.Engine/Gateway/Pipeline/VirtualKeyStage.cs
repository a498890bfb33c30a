using KeepTrusts.Engine.Keys;
using KeepTrusts.Engine.State;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// A virtual key's rules at request time (disabled, expired, model and route allow-lists, budgets), answered in the
/// client's dialect, and its spend after the answer. Spend lives in the state store, so replicas share it.
/// </summary>
internal sealed class VirtualKeyStage(IGatewayStateStore state, IGatewayMetrics metrics, ILogger logger, TimeProvider time)
{
    public async ValueTask<GatewayError?> CheckAsync(VirtualKey key, CanonicalExchange exchange, CancellationToken cancellationToken)
    {
        var spend = key.BudgetUsdPerDay is null && key.BudgetUsdPerMonth is null
            ? new SpendTotals(0m, 0m)
            : await state.Spend.GetAsync(key.Id, cancellationToken).ConfigureAwait(false);
        var decision = KeyPolicy.Check(key, exchange.Model, exchange.Request.Path, spend, time.GetUtcNow());
        if (decision.Allowed)
        {
            return null;
        }

        var type = decision.StatusCode switch { 401 => OpenAIError.Authentication, 403 => OpenAIError.Permission, _ => OpenAIError.RateLimit };
        if (decision.StatusCode == 429)
        {
            metrics.RateLimited("budget");
        }

        return new GatewayError(decision.StatusCode, type, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(decision.Reason.ToString()), decision.Message);
    }

    public async Task RecordSpendAsync(RequestOutcome outcome)
    {
        if (outcome.Request.VirtualKey is not { } key || outcome.Cost <= 0)
        {
            return;
        }

        try
        {
            // Spend counts after the answer; a store that does not answer must not fail a request already served.
            await state.Spend.AddAsync(key.Id, outcome.Cost, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            GatewayLog.SpendNotRecorded(logger, key.Alias, ex.GetType().Name);
        }
    }
}
