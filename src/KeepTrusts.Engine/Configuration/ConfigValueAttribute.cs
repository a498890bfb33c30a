namespace KeepTrusts.Engine.Configuration;

/// <summary>The spelling of an enum member in policy-config.yaml when it is not the snake_case of its name.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ConfigValueAttribute(string value) : Attribute
{
    public string Value { get; } = value;
}
