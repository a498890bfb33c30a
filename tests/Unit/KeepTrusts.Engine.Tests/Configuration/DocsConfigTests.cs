using System.Reflection;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Configuration;

/// <summary>
/// What the docs tell a user to put in policy-config.yaml is what the loader accepts: every ```yaml block of docs/*.md
/// and README.md validates, and every key the loader accepts is in the field reference (docs/policy-config.md).
/// </summary>
public sealed partial class DocsConfigTests
{
    // Fragments (a `gateway:` or `policy:` section alone) are completed with the top-level keys they lack.
    private static readonly Dictionary<string, string> MissingTopLevel = new(StringComparer.Ordinal)
    {
        ["pack"] = "pack: { name: docs-example }",
        ["policies"] = "policies: { chain: [prompt-injection, pii-detector, safety-filter, audit-logger] }",
        ["providers"] = "providers: { targets: [ { id: echo, provider: echo, model: gpt-4o } ] }",
    };

    public static IEnumerable<object[]> YamlBlocks()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Append(Path.Combine(RepoPaths.Root, "README.md")).Order();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart() != "```yaml")
                {
                    continue;
                }

                var indent = lines[i].Length - lines[i].TrimStart().Length;
                var block = new List<string>();
                for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
                {
                    block.Add(lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart());
                }

                yield return [$"{Path.GetFileName(file)}:{i - block.Count}", string.Join('\n', block)];
            }
        }
    }

    [Theory]
    [MemberData(nameof(YamlBlocks))]
    public void Every_yaml_example_in_the_docs_validates(string where, string yaml)
    {
        var topLevel = TopLevelKey().Matches(yaml).Select(m => m.Groups[1].Value).ToHashSet();
        var completed = string.Join('\n', MissingTopLevel.Where(k => !topLevel.Contains(k.Key)).Select(k => k.Value).Append(yaml));

        var result = PolicyConfigLoader.LoadText(completed, where, _ => true);

        // An ONNX model and its tokenizer are files the user brings (docs/policies.md says where to get them).
        var errors = result.Errors.Where(e => !(e.Code == DiagnosticCodes.ModelFileInvalid && e.Message.Contains("does not exist", StringComparison.Ordinal))).ToList();
        Assert.True(errors.Count == 0, $"{where}:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    [Fact]
    public void Every_config_key_is_in_the_field_reference()
    {
        var reference = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "policy-config.md"));
        var paths = KeyPaths(typeof(PolicyConfig), string.Empty).ToList();
        Assert.Contains("policy.prompt-injection.threshold", paths);

        // A key is documented when the reference names it in a heading, or in backticks as a segment of a dotted path
        // (`path`, `state.redis.key_prefix`, `auth.type`, `connection_string_ref: { env: NAME }`).
        var missing = paths.Where(p =>
        {
            var key = Regex.Escape(p.Split('.')[^1]);
            return !Regex.IsMatch(reference, $@"`([\w-]+\.)*{key}[`.:\[ ]") && !Regex.IsMatch(reference, $@"^#+ ([\w.-]+\.)?{key}$", RegexOptions.Multiline);
        }).ToList();
        Assert.True(missing.Count == 0, "not in docs/policy-config.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Config_fields_named_in_the_docs_and_help_exist()
    {
        var known = KeyPaths(typeof(PolicyConfig), string.Empty).ToHashSet();
        var help = Path.Combine(RepoPaths.Root, "src", "KeepTrusts.PowerShell", "Help");
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Append(Path.Combine(RepoPaths.Root, "README.md")).Concat(Directory.GetFiles(help));
        var wrong = new List<string>();
        var named = 0;
        foreach (var file in files)
        {
            foreach (Match field in DottedField().Matches(File.ReadAllText(file)))
            {
                // File names (gateway.md) and the misspelt key of the KT1002 example are not fields.
                if (field.Value.EndsWith(".md", StringComparison.Ordinal) || field.Value.EndsWith(".base_ulr", StringComparison.Ordinal))
                {
                    continue;
                }

                named++;
                var path = IndexOrPlaceholder().Replace(field.Value, string.Empty);
                if (!known.Contains(path))
                {
                    wrong.Add($"{Path.GetFileName(file)}: {field.Value}");
                }
            }
        }

        Assert.True(named > 50, $"only {named} config fields named in the docs");
        Assert.True(wrong.Count == 0, "not policy-config fields:" + Environment.NewLine + string.Join(Environment.NewLine, wrong.Distinct()));
    }

    // policy.audit-logger.path, providers.targets[].rate_limit, gateway.client_keys[0].id (not file names like policy-config.yaml).
    [GeneratedRegex(@"(?<![\w./-])(?:policies|policy|providers|gateway)\.(?:[a-z_-]+(?:\[\d*\])?\.)*[a-z_-]*[a-z_](?![\w(])")]
    private static partial Regex DottedField();

    [GeneratedRegex(@"\[\d*\]")]
    private static partial Regex IndexOrPlaceholder();

    /// <summary>Every key path the loader binds (policy.audit-logger.path, providers.targets.id, ...).</summary>
    internal static IEnumerable<string> KeyPaths(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<ConfigKeyAttribute>() is not { } key)
            {
                continue;
            }

            var path = prefix.Length == 0 ? key.Key : $"{prefix}.{key.Key}";
            yield return path;
            foreach (var nested in KeyPaths(ElementType(property.PropertyType), path))
            {
                yield return nested;
            }
        }
    }

    private static Type ElementType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            return type.GetElementType()!;
        }

        return type.IsGenericType && type.GetGenericArguments() is [var item] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? item : type;
    }

    [GeneratedRegex(@"^([a-z_]+):", RegexOptions.Multiline)]
    private static partial Regex TopLevelKey();
}
