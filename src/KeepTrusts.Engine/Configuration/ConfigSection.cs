using System.Diagnostics.CodeAnalysis;

namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Base of every bound section: remembers where the section and each of its keys stood,
/// so that checks made after binding (duplicate ids, ranges, URLs) can still point at file:line:column.
/// </summary>
/// <remarks>
/// The binder creates sections and finds their keys by reflection, which trimming (the Native AOT kt) breaks. This
/// annotation states what it needs; alone it did not keep the [ConfigKey] attributes, so the AOT publish also roots the
/// whole configuration namespace (src/KeepTrusts.Gateway/NativeAot.Roots.xml), and the kt process tests run against it.
/// </remarks>
[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
public abstract class ConfigSection
{
    private readonly Dictionary<string, SourceLocation> _keyLocations = new(StringComparer.Ordinal);

    /// <summary>The mapping's own location.</summary>
    public SourceLocation Location { get; internal set; } = SourceLocation.None;

    /// <summary>The field path of this section, for example <c>providers.targets[1]</c>.</summary>
    public string FieldPath { get; internal set; } = string.Empty;

    /// <summary>Whether the key was present in the file (as opposed to a default).</summary>
    public bool HasKey(string key) => _keyLocations.ContainsKey(key);

    /// <summary>The location of a key's value, or of the section when the key is absent.</summary>
    public SourceLocation LocationOf(string key) =>
        _keyLocations.TryGetValue(key, out var location) ? location : Location;

    /// <summary>The field path of a key in this section.</summary>
    public string PathOf(string key) => string.IsNullOrEmpty(FieldPath) ? key : $"{FieldPath}.{key}";

    /// <summary>The location of item <paramref name="index"/> of a list-valued key.</summary>
    public SourceLocation ItemLocationOf(string key, int index) => LocationOf(string.Create(CultureInfo.InvariantCulture, $"{key}[{index}]"));

    internal void RecordKey(string key, SourceLocation location) => _keyLocations[key] = location;
}
