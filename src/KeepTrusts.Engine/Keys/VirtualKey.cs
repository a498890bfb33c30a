using System.Text.Json.Serialization;

namespace KeepTrusts.Engine.Keys;

/// <summary>
/// One virtual client key as the key store holds it: who it is, what it may do, and a salted hash of its secret
/// (never the secret). Lists that are empty allow everything; null limits and budgets are unlimited.
/// </summary>
public sealed record VirtualKey
{
    /// <summary>Stable id (<c>vk_</c> + 16 hex digits), generated on add.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The human name used in metrics, audit records and logs; unique in a store.</summary>
    [JsonPropertyName("alias")]
    public required string Alias { get; init; }

    /// <summary>HMAC-SHA256 of the secret keyed with the store's salt, base64.</summary>
    [JsonPropertyName("secret_hash")]
    public required string SecretHash { get; init; }

    [JsonPropertyName("allowed_models")]
    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    /// <summary>Request paths this key may call, for example <c>/v1/chat/completions</c>; empty: all.</summary>
    [JsonPropertyName("allowed_routes")]
    public IReadOnlyList<string> AllowedRoutes { get; init; } = [];

    [JsonPropertyName("requests_per_minute")]
    public int? RequestsPerMinute { get; init; }

    [JsonPropertyName("tokens_per_minute")]
    public int? TokensPerMinute { get; init; }

    [JsonPropertyName("budget_usd_per_day")]
    public decimal? BudgetUsdPerDay { get; init; }

    [JsonPropertyName("budget_usd_per_month")]
    public decimal? BudgetUsdPerMonth { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    [JsonPropertyName("disabled")]
    public bool Disabled { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }
}
