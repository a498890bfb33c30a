using KeepTrusts.Engine.Keys;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Engine calls behind New-, Get- and Remove-KtGatewayKey, mapped to the module's types and errors.</summary>
internal static class GatewayKeys
{
    /// <summary>Error ids the cmdlets use, by the store's refusal kind.</summary>
    public static string ErrorId(KtException ex) => ex.Data["KeyStoreError"] as string ?? "KeyStoreInvalid";

    public static KtNewGatewayKey Add(string store, KtGatewayKeyRequest request) => Run(() =>
    {
        using var keys = VirtualKeyStore.Open(store);
        var created = keys.Add(new VirtualKeySpec
        {
            Alias = request.Alias,
            AllowedModels = request.AllowedModels,
            AllowedRoutes = request.AllowedRoutes,
            RequestsPerMinute = request.RequestsPerMinute,
            TokensPerMinute = request.TokensPerMinute,
            BudgetUsdPerDay = request.BudgetUsdPerDay,
            BudgetUsdPerMonth = request.BudgetUsdPerMonth,
            ExpiresAt = request.ExpiresAt,
            Disabled = request.Disabled,
        });
        var key = created.Key;
        return new KtNewGatewayKey
        {
            Id = key.Id, Alias = key.Alias, State = StateOf(key), AllowedModels = key.AllowedModels.ToArray(), AllowedRoutes = key.AllowedRoutes.ToArray(),
            RequestsPerMinute = key.RequestsPerMinute, TokensPerMinute = key.TokensPerMinute, BudgetUsdPerDay = key.BudgetUsdPerDay,
            BudgetUsdPerMonth = key.BudgetUsdPerMonth, ExpiresAt = key.ExpiresAt, CreatedAt = key.CreatedAt, Store = keys.Path, Secret = created.Secret,
        };
    });

    public static KtGatewayKey[] List(string store) => Run(() =>
    {
        using var keys = VirtualKeyStore.Open(store);
        return keys.Keys.Select(k => Map(k, keys.Path)).ToArray();
    });

    public static KtGatewayKey Revoke(string store, string idOrAlias) => Run(() =>
    {
        using var keys = VirtualKeyStore.Open(store);
        return Map(keys.Revoke(idOrAlias), keys.Path);
    });

    private static KtGatewayKey Map(VirtualKey key, string store) => new()
    {
        Id = key.Id, Alias = key.Alias, State = StateOf(key), AllowedModels = key.AllowedModels.ToArray(), AllowedRoutes = key.AllowedRoutes.ToArray(),
        RequestsPerMinute = key.RequestsPerMinute, TokensPerMinute = key.TokensPerMinute, BudgetUsdPerDay = key.BudgetUsdPerDay,
        BudgetUsdPerMonth = key.BudgetUsdPerMonth, ExpiresAt = key.ExpiresAt, CreatedAt = key.CreatedAt, Store = store,
    };

    private static string StateOf(VirtualKey key) =>
        key.Disabled ? "Disabled" : key.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow ? "Expired" : "Active";

    private static T Run<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (VirtualKeyStoreException ex)
        {
            // The engine's exception type stays inside; the cmdlet gets the module's own with a stable id.
            var error = new KtException(ex.Message);
            error.Data["KeyStoreError"] = ex.Error switch
            {
                VirtualKeyStoreError.NotFound => "GatewayKeyNotFound",
                VirtualKeyStoreError.Exists => "GatewayKeyExists",
                VirtualKeyStoreError.Locked => "KeyStoreLocked",
                _ => "KeyStoreInvalid",
            };
            throw error;
        }
    }
}
