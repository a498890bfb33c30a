namespace KeepTrusts.Engine.Configuration;

/// <summary>Upstream provider of a target.</summary>
public enum ProviderKind
{
    [ConfigValue("azure-openai")]
    AzureOpenAI,

    [ConfigValue("openai")]
    OpenAI,

    /// <summary>Built-in offline demo/test target: answers with the text it received. Never an LLM.</summary>
    Echo,
}
