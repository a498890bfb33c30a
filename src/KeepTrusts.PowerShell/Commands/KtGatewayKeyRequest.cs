namespace KeepTrusts.PowerShell.Commands;

/// <summary>New-KtGatewayKey's parameters as plain data, so the cmdlet class never names an engine type.</summary>
internal sealed record KtGatewayKeyRequest(
    string Alias,
    string[] AllowedModels,
    string[] AllowedRoutes,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    decimal? BudgetUsdPerDay,
    decimal? BudgetUsdPerMonth,
    DateTimeOffset? ExpiresAt,
    bool Disabled);
