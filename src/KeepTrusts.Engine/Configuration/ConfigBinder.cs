using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Binds a YAML node tree onto the options classes, collecting every problem instead of stopping at the first.
/// Keys map to properties through <see cref="ConfigKeyAttribute"/>; a value that cannot be bound keeps the default
/// and yields a diagnostic at the value's line and column.
/// </summary>
internal sealed class ConfigBinder(string file, List<ConfigDiagnostic> diagnostics)
{
    private static readonly Dictionary<Type, IReadOnlyList<(PropertyInfo Property, ConfigKeyAttribute Key)>> KeyCache = new();

    public void BindSection(YamlNode node, ConfigSection section, string path)
    {
        section.FieldPath = path;
        section.Location = At(node);
        if (node is not YamlMappingNode mapping)
        {
            Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{DisplayPath(path)}' must be a mapping of keys to values, not {Describe(node)}", node, path,
                "indent the keys of this section under it, one 'key: value' per line");
            return;
        }

        var keys = KeysOf(section.GetType());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            // A key pasted where a field name goes must not reach the field path printed with the diagnostic.
            var keyPath = Join(path, SecretLookalike.LooksLikeSecret(key) ? "<key-like name>" : key);
            if (!seen.Add(key))
            {
                Report(DiagnosticSeverity.Error, DiagnosticCodes.DuplicateKey, $"{SecretLookalike.Quote(key)} appears more than once in '{DisplayPath(path)}'", keyNode, keyPath,
                    "keep one of them: YAML keeps only the last, which silently drops the other");
                continue;
            }

            var match = keys.FirstOrDefault(k => k.Key.Key == key);
            if (match.Property is null)
            {
                var suggestion = DidYouMean.Suggest(key, keys.Select(k => k.Key.Key));
                var fix = suggestion is null
                    ? $"remove it; keys allowed here: {string.Join(", ", keys.Select(k => k.Key.Key))}"
                    : $"did you mean '{suggestion}'?";
                Report(DiagnosticSeverity.Error, DiagnosticCodes.UnknownKey, $"unknown key {SecretLookalike.Quote(key)} in '{DisplayPath(path)}'", keyNode, keyPath, fix);
                continue;
            }

            if (IsNull(valueNode))
            {
                // An empty value keeps the default; a required key with no value is still missing.
                if (match.Key.Required)
                {
                    ReportMissing(section, match.Key, keyPath, valueNode);
                }

                continue;
            }

            section.RecordKey(key, At(valueNode));
            if (valueNode is YamlSequenceNode items)
            {
                for (var i = 0; i < items.Children.Count; i++)
                {
                    section.RecordKey(string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]"), At(items.Children[i]));
                }
            }
            var current = match.Property.GetValue(section);
            if (TryBind(valueNode, match.Property.PropertyType, keyPath, current, out var value))
            {
                match.Property.SetValue(section, value);
            }
        }

        foreach (var (_, attribute) in keys)
        {
            if (attribute.Required && !section.HasKey(attribute.Key))
            {
                var wasPresentButEmpty = mapping.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == attribute.Key);
                if (!wasPresentButEmpty)
                {
                    ReportMissing(section, attribute, Join(path, attribute.Key), mapping);
                }
            }
        }
    }

    private void ReportMissing(ConfigSection section, ConfigKeyAttribute attribute, string keyPath, YamlNode at)
    {
        var where = string.IsNullOrEmpty(section.FieldPath) ? "the top level" : $"'{DisplayPath(section.FieldPath)}'";
        Report(DiagnosticSeverity.Error, DiagnosticCodes.MissingField, $"required field '{attribute.Key}' is missing in {where}", at, keyPath,
            $"add '{attribute.Key}: <{attribute.Description ?? attribute.Key}>' to {where}");
    }

    private bool TryBind(YamlNode node, Type type, string path, object? current, out object? value)
    {
        value = null;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;

        if (typeof(ConfigSection).IsAssignableFrom(underlying))
        {
            var section = (ConfigSection)(current ?? Activator.CreateInstance(underlying)!);
            if (section is AzureAuthOptions auth && node is YamlScalarNode scalarAuth)
            {
                // azure_auth: managed_identity is shorthand for { type: managed_identity }.
                auth.FieldPath = path;
                auth.Location = At(node);
                auth.RecordKey("type", At(node));
                if (!TryParseScalar(scalarAuth, typeof(AzureAuthType), path, out var authType))
                {
                    return false;
                }

                auth.Type = (AzureAuthType)authType!;
                value = auth;
                return true;
            }

            BindSection(node, section, path);
            value = section;
            return true;
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            return TryBindList(node, underlying, path, out value);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return TryBindStringMap(node, path, current, out value);
        }

        if (node is not YamlScalarNode scalar)
        {
            Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{DisplayPath(path)}' must be {Expected(underlying)}, not {Describe(node)}", node, path,
                $"write a single value, for example '{LastKey(path)}: {Example(underlying)}'");
            return false;
        }

        return TryParseScalar(scalar, underlying, path, out value);
    }

    private bool TryBindList(YamlNode node, Type listType, string path, out object? value)
    {
        value = null;
        var elementType = listType.GetGenericArguments()[0];
        var list = (IList)Activator.CreateInstance(listType)!;

        if (node is not YamlSequenceNode sequence)
        {
            Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{DisplayPath(path)}' must be a list, not {Describe(node)}", node, path,
                $"write one item per line starting with '- ' under '{LastKey(path)}:'");
            return false;
        }

        var ok = true;
        var index = 0;
        foreach (var item in sequence.Children)
        {
            var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]");
            if (IsNull(item))
            {
                Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{itemPath}' is empty", item, itemPath, "remove the empty '- ' line or give it a value");
                ok = false;
                continue;
            }

            if (TryBind(item, elementType, itemPath, null, out var element))
            {
                list.Add(element);
            }
            else
            {
                ok = false;
            }
        }

        value = list;
        return ok;
    }

    private bool TryBindStringMap(YamlNode node, string path, object? current, out object? value)
    {
        value = null;
        if (node is not YamlMappingNode mapping)
        {
            Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{DisplayPath(path)}' must be a mapping of names to values, not {Describe(node)}", node, path,
                $"write 'Name: value' pairs indented under '{LastKey(path)}:'");
            return false;
        }

        var map = current as Dictionary<string, string> ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var ok = true;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var entryPath = $"{path}.{(SecretLookalike.LooksLikeSecret(key) ? "<key-like name>" : key)}";
            if (valueNode is not YamlScalarNode scalar)
            {
                Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{entryPath}' must be a single text value, not {Describe(valueNode)}", valueNode, entryPath,
                    "quote the value as a string");
                ok = false;
                continue;
            }

            if (!map.TryAdd(key, scalar.Value ?? string.Empty))
            {
                Report(DiagnosticSeverity.Error, DiagnosticCodes.DuplicateKey, $"{SecretLookalike.Quote(key)} appears more than once in '{path}' (names are case-insensitive)", keyNode, entryPath,
                    "keep one of them");
                ok = false;
            }
        }

        value = map;
        return ok;
    }

    private bool TryParseScalar(YamlScalarNode scalar, Type type, string path, out object? value)
    {
        var text = scalar.Value ?? string.Empty;
        value = null;
        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;

        if (type == typeof(string))
        {
            value = text;
            return true;
        }

        if (type.IsEnum)
        {
            var normalized = Normalize(text);
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (Normalize(EnumSpelling(field)) == normalized)
                {
                    value = field.GetValue(null);
                    return true;
                }
            }

            var allowed = type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(EnumSpelling).ToList();
            var suggestion = DidYouMean.Suggest(text, allowed);
            Report(DiagnosticSeverity.Error, DiagnosticCodes.InvalidValue, $"{SecretLookalike.Quote(text)} is not a valid value for '{DisplayPath(path)}'", scalar, path,
                (suggestion is null ? string.Empty : $"did you mean '{suggestion}'? ") + $"allowed: {string.Join(", ", allowed)}");
            return false;
        }

        var parsed = type switch
        {
            _ when type == typeof(bool) && !quoted => ParseBool(text),
            _ when type == typeof(int) && !quoted && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            _ when type == typeof(long) && !quoted && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            _ when type == typeof(double) && !quoted && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
            _ when type == typeof(decimal) && !quoted && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) => m,
            _ => null,
        };

        if (parsed is null)
        {
            Report(DiagnosticSeverity.Error, DiagnosticCodes.WrongType, $"'{DisplayPath(path)}' must be {Expected(type)}, but is {SecretLookalike.Quote(text)}", scalar, path,
                $"write it as {Expected(type)}, for example '{LastKey(path)}: {Example(type)}'" + (quoted ? " (without quotes)" : string.Empty));
            return false;
        }

        value = parsed;
        return true;
    }

    private static object? ParseBool(string text) => text switch
    {
        "true" or "True" or "TRUE" or "yes" or "Yes" or "on" => true,
        "false" or "False" or "FALSE" or "no" or "No" or "off" => false,
        _ => null,
    };

    internal static string EnumSpelling(FieldInfo field) =>
        field.GetCustomAttribute<ConfigValueAttribute>()?.Value ?? ToSnakeCase(field.Name);

    internal static string EnumSpelling<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        EnumSpelling(typeof(TEnum).GetField(value.ToString())!);

    private static string ToSnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private static string Normalize(string text) =>
        new string(text.Where(c => c != '-' && c != '_' && c != ' ').ToArray()).ToLowerInvariant();

    internal static IReadOnlyList<(PropertyInfo Property, ConfigKeyAttribute Key)> KeysOf(Type type)
    {
        lock (KeyCache)
        {
            if (!KeyCache.TryGetValue(type, out var keys))
            {
                keys = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Select(p => (Property: p, Key: p.GetCustomAttribute<ConfigKeyAttribute>()!))
                    .Where(p => p.Key is not null)
                    .ToList();
                KeyCache[type] = keys;
            }

            return keys;
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => SecretLookalike.LooksLikeSecret(s.Value) ? SecretLookalike.Describe(s.Value!) : $"the value '{s.Value}'",
        _ => "this value",
    };

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(decimal) => "a number",
        _ when type == typeof(string) => "a text value",
        _ => "a single value",
    };

    private static string Example(Type type) => type switch
    {
        _ when type == typeof(bool) => "true",
        _ when type == typeof(int) || type == typeof(long) => "30",
        _ when type == typeof(double) || type == typeof(decimal) => "0.8",
        _ => "value",
    };

    private static string LastKey(string path)
    {
        var dot = path.LastIndexOf('.');
        var key = dot < 0 ? path : path[(dot + 1)..];
        var bracket = key.IndexOf('[');
        return bracket < 0 ? key : key[..bracket];
    }

    private static string Join(string path, string key) => string.IsNullOrEmpty(path) ? key : $"{path}.{key}";

    private static string DisplayPath(string path) => string.IsNullOrEmpty(path) ? "(top level)" : path;

    private SourceLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    private void Report(DiagnosticSeverity severity, string code, string message, YamlNode node, string path, string fix) =>
        diagnostics.Add(new ConfigDiagnostic(severity, code, message, At(node), path, fix));
}
