using System.Globalization;
using KeepTrusts.Engine.State;

namespace KeepTrusts.Engine.Keys;

/// <summary>
/// May this virtual key make this call? Checked after authentication and before routing: disabled, expired,
/// model or route not allowed, daily or monthly budget spent. Rate limits are the limiter's job (per key scope).
/// </summary>
public static class KeyPolicy
{
    public static KeyPolicyDecision Check(VirtualKey key, string model, string route, SpendTotals spend, DateTimeOffset now)
    {
        if (key.Disabled)
        {
            return KeyPolicyDecision.Deny(KeyPolicyReason.Disabled, $"The API key '{key.Alias}' is disabled. Ask the gateway's operator to enable it.");
        }

        if (key.ExpiresAt is { } expires && now >= expires)
        {
            return KeyPolicyDecision.Deny(KeyPolicyReason.Expired,
                $"The API key '{key.Alias}' expired at {expires.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)}. Ask the gateway's operator for a new key.");
        }

        if (key.AllowedModels.Count > 0 && !key.AllowedModels.Contains(model, StringComparer.Ordinal))
        {
            return KeyPolicyDecision.Deny(KeyPolicyReason.ModelNotAllowed,
                $"The API key '{key.Alias}' may not use model '{model}'. Allowed models: {string.Join(", ", key.AllowedModels)}.");
        }

        if (key.AllowedRoutes.Count > 0 && !key.AllowedRoutes.Contains(route, StringComparer.OrdinalIgnoreCase))
        {
            return KeyPolicyDecision.Deny(KeyPolicyReason.RouteNotAllowed,
                $"The API key '{key.Alias}' may not call {route}. Allowed: {string.Join(", ", key.AllowedRoutes)}.");
        }

        if (key.BudgetUsdPerDay is { } day && spend.Day >= day)
        {
            return KeyPolicyDecision.Deny(KeyPolicyReason.DailyBudgetSpent,
                $"The API key '{key.Alias}' has spent its daily budget of {day.ToString("0.00", CultureInfo.InvariantCulture)} USD. It resets at 00:00 UTC.");
        }

        if (key.BudgetUsdPerMonth is { } month && spend.Month >= month)
        {
            return KeyPolicyDecision.Deny(KeyPolicyReason.MonthlyBudgetSpent,
                $"The API key '{key.Alias}' has spent its monthly budget of {month.ToString("0.00", CultureInfo.InvariantCulture)} USD. It resets on the 1st (UTC).");
        }

        return KeyPolicyDecision.Allow;
    }
}
