namespace KeepTrusts.PowerShell;

/// <summary>A virtual client key in a key store (Get-KtGatewayKey). Holds no secret.</summary>
public class KtGatewayKey
{
    public string Id { get; init; } = string.Empty;

    public string Alias { get; init; } = string.Empty;

    /// <summary>Active, Disabled or Expired.</summary>
    public string State { get; init; } = "Active";

    /// <summary>Models the key may use; empty: all.</summary>
    public string[] AllowedModels { get; init; } = [];

    /// <summary>Request paths the key may call; empty: all.</summary>
    public string[] AllowedRoutes { get; init; } = [];

    public int? RequestsPerMinute { get; init; }

    public int? TokensPerMinute { get; init; }

    public decimal? BudgetUsdPerDay { get; init; }

    public decimal? BudgetUsdPerMonth { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The key store file the key lives in.</summary>
    public string Store { get; init; } = string.Empty;
}
