using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// Loads policy-config.yaml into <see cref="PolicyConfig"/> and reports every problem at once, each with
/// file:line:column, the field path and the fix. Secret values are never read here: only whether the variable exists.
/// </summary>
public static class PolicyConfigLoader
{
    /// <summary>Loads and validates a file. Never throws for bad input: problems come back as diagnostics.</summary>
    public static PolicyConfigLoadResult Load(string path) => Load(path, name => Environment.GetEnvironmentVariable(name) is not null);

    /// <summary>As <see cref="Load(string)"/>, with the environment lookup supplied (tests, or a service's own environment).</summary>
    public static PolicyConfigLoadResult Load(string path, Func<string, bool> environmentHas)
    {
        string fullPath;
        string text;
        try
        {
            fullPath = Path.GetFullPath(path);
            if (Directory.Exists(fullPath))
            {
                // File.ReadAllText throws UnauthorizedAccessException for a directory, which read as "access is denied".
                return new PolicyConfigLoadResult(path, null,
                [
                    new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.FileUnreadable, $"cannot read '{path}': it is a directory, not a file",
                        new SourceLocation(path, 0, 0), string.Empty, $"give the policy config file itself, for example {Path.Combine(path, "policy-config.yaml")}"),
                ]);
            }

            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var reason = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
                UnauthorizedAccessException => "access is denied",
                _ => ex.Message,
            };
            var diagnostic = new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.FileUnreadable, $"cannot read '{path}': {reason}",
                new SourceLocation(path, 0, 0), string.Empty, "check the path (relative paths are resolved from the current directory)");
            return new PolicyConfigLoadResult(path, null, [diagnostic]);
        }

        return LoadText(text, fullPath, environmentHas);
    }

    /// <summary>Loads YAML text; <paramref name="fileName"/> is what diagnostics name as the file.</summary>
    public static PolicyConfigLoadResult LoadText(string yaml, string fileName) =>
        LoadText(yaml, fileName, name => Environment.GetEnvironmentVariable(name) is not null);

    public static PolicyConfigLoadResult LoadText(string yaml, string fileName, Func<string, bool> environmentHas)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.YamlSyntax, $"YAML syntax error: {SyntaxMessage(ex)}",
                SyntaxLocation(fileName, ex, yaml), string.Empty,
                "check the indentation (spaces, not tabs) and that every 'key: value' and '- item' is aligned with its siblings"));
            return new PolicyConfigLoadResult(fileName, null, diagnostics);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.MissingField, "the file is empty",
                new SourceLocation(fileName, 1, 1), string.Empty, "start from one of the files in examples/"));
            return new PolicyConfigLoadResult(fileName, null, diagnostics);
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.YamlSyntax, "the file holds more than one YAML document ('---')",
                new SourceLocation(fileName, (int)second.Start.Line, (int)second.Start.Column), string.Empty, "keep one policy config per file"));
        }

        var config = new PolicyConfig { SourcePath = fileName };
        new ConfigBinder(fileName, diagnostics).BindSection(stream.Documents[0].RootNode, config, string.Empty);
        new PolicyConfigValidator(diagnostics, environmentHas).Validate(config);

        var ordered = diagnostics
            .OrderBy(d => d.Severity)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ToList();
        return new PolicyConfigLoadResult(fileName, config, ordered);
    }

    /// <summary>Loads a file and throws <see cref="PolicyConfigException"/> listing every error when it is not valid.</summary>
    public static PolicyConfig LoadValid(string path)
    {
        var result = Load(path);
        if (!result.IsValid)
        {
            throw new PolicyConfigException(result);
        }

        return result.Config!;
    }

    /// <summary>
    /// Where a syntax error is: YamlDotNet's start mark, except for a tab in the indentation, which it reports at 1:1;
    /// there the first line indented with a tab is named.
    /// </summary>
    private static SourceLocation SyntaxLocation(string fileName, YamlException ex, string yaml)
    {
        if (ex.Message.Contains("invalid tab", StringComparison.Ordinal))
        {
            var lines = yaml.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
                if (lines[i].AsSpan(0, indent).Contains('\t'))
                {
                    return new SourceLocation(fileName, i + 1, lines[i].IndexOf('\t') + 1);
                }
            }
        }

        return new SourceLocation(fileName, (int)ex.Start.Line, (int)ex.Start.Column);
    }

    private static string SyntaxMessage(YamlException ex)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 40) - (Line: ...): "; we print the location ourselves.
        var message = ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        // The diagnostic adds its own full stop after the message ("...as indentation.. Fix:" otherwise).
        return (cut >= 0 ? message[(cut + 3)..] : message).TrimEnd('.', ' ');
    }
}
