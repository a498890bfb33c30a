namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>A model or tokenizer file that cannot be used: which config key it came from, what is wrong, and the fix.</summary>
internal sealed class InjectionModelException(string key, string message, string fix) : Exception(message)
{
    /// <summary>path or tokenizer (the key under policy.prompt-injection.model).</summary>
    public string Key { get; } = key;

    public string Fix { get; } = fix;
}
