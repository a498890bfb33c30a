namespace KeepTrusts.Engine.Configuration;

/// <summary><c>pricing</c>: USD per one million tokens.</summary>
public sealed class PricingOptions : ConfigSection
{
    [ConfigKey("input_per_million")]
    public decimal InputPerMillion { get; set; }

    [ConfigKey("output_per_million")]
    public decimal OutputPerMillion { get; set; }

    [ConfigKey("cached_input_per_million")]
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>Cost in USD of one call's usage.</summary>
    public decimal CostOf(long promptTokens, long completionTokens, long cachedPromptTokens = 0)
    {
        var cachedRate = CachedInputPerMillion ?? InputPerMillion;
        var uncached = Math.Max(0, promptTokens - cachedPromptTokens);
        return (uncached * InputPerMillion + cachedPromptTokens * cachedRate + completionTokens * OutputPerMillion) / 1_000_000m;
    }
}
