namespace KeepTrusts.Engine.Keys;

/// <summary>What a new virtual key may do: everything but its identity and secret, which the store makes.</summary>
public sealed record VirtualKeySpec
{
    public required string Alias { get; init; }

    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    public IReadOnlyList<string> AllowedRoutes { get; init; } = [];

    public int? RequestsPerMinute { get; init; }

    public int? TokensPerMinute { get; init; }

    public decimal? BudgetUsdPerDay { get; init; }

    public decimal? BudgetUsdPerMonth { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public bool Disabled { get; init; }
}
