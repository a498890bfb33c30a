namespace KeepTrusts.Engine.Configuration;

/// <summary>Names the YAML key a property binds to (policy-config.yaml uses snake_case).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ConfigKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;

    /// <summary>A missing required key is a validation error.</summary>
    public bool Required { get; init; }

    /// <summary>One-line description used in did-you-mean hints and docs.</summary>
    public string? Description { get; init; }
}
