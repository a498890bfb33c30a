using System.Collections.ObjectModel;
using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Validates policy-config files and reports every problem with file:line:column, field path and fix.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KtPolicyConfig", HelpUri = KtHelpUri.Cmdlets + "test-ktpolicyconfig", DefaultParameterSetName = PathSet)]
[OutputType(typeof(KtPolicyConfigTestResult))]
[OutputType(typeof(bool))]
public sealed class TestKtPolicyConfigCommand : KtCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Return only $true or $false per file, like Test-Path.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            WriteVerbose($"Validating {file} (PolicyConfigLoader.Load)");
            KtPolicyConfigTestResult result;
            try
            {
                result = ConfigValidation.Validate(file);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                // The loader reports bad input as diagnostics; anything thrown is our bug, shown as an error, not a stack trace.
                Report("PolicyConfigValidationFailed", ErrorCategory.NotSpecified, file, $"Could not validate '{file}': {ex.Message}",
                    "This is a KeepTrusts bug: please report it with the config file (secrets removed).", ex);
                continue;
            }

            if (Quiet)
            {
                WriteObject(result.IsValid);
            }
            else
            {
                WriteObject(result);
            }
        }
    }

    private IEnumerable<string> ResolveFiles()
    {
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var literal in LiteralPath)
            {
                if (Unresolved(literal, out var provider) is not { } resolvedLiteral)
                {
                    ReportMissing(literal);
                }
                else if (Check(literal, resolvedLiteral, provider, fromWildcard: false) is { } file)
                {
                    yield return file;
                }
            }

            yield break;
        }

        foreach (var pattern in Path)
        {
            Collection<string>? resolved = null;
            ProviderInfo? provider = null;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(pattern, out provider);
            }
            catch (SessionStateException)
            {
                // No such item, drive or provider: reported below as not found.
            }

            if ((resolved is null || resolved.Count == 0) && WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                // A FullName piped from Get-ChildItem binds to -Path; a file literally named 'policy[1].yaml' still counts.
                var literal = Unresolved(pattern, out provider);
                resolved = literal is not null && File.Exists(literal) ? new Collection<string> { literal } : null;
            }

            if (resolved is null || resolved.Count == 0)
            {
                ReportMissing(pattern);
                continue;
            }

            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
            foreach (var candidate in resolved)
            {
                if (Check(pattern, candidate, provider, wildcard) is { } file)
                {
                    yield return file;
                }
            }
        }
    }

    private string? Unresolved(string path, out ProviderInfo? provider)
    {
        try
        {
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (SessionStateException)
        {
            provider = null;
            return null;
        }
    }

    /// <summary>The file to validate, or null after reporting why <paramref name="given"/> is not one.</summary>
    private string? Check(string given, string resolved, ProviderInfo? provider, bool fromWildcard)
    {
        if (provider is not null && provider.Name != "FileSystem")
        {
            Report("PolicyConfigNotAFile", ErrorCategory.InvalidArgument, given,
                $"'{given}' is on the {provider.Name} provider; a policy config is a file.", "Give a file-system path to a .yaml file.");
            return null;
        }

        if (Directory.Exists(resolved))
        {
            if (!fromWildcard)
            {
                Report("PolicyConfigIsDirectory", ErrorCategory.InvalidArgument, given,
                    $"'{given}' is a directory; a policy config is a file.", $"Give the file, or every config in it: -Path '{System.IO.Path.Combine(given, "*.yaml")}'.");
            }

            return null;
        }

        if (!File.Exists(resolved))
        {
            ReportMissing(given);
            return null;
        }

        return resolved;
    }

    private void ReportMissing(string path) =>
        Report("PolicyConfigNotFound", ErrorCategory.ObjectNotFound, path,
            $"Cannot find policy config '{path}'.", "Check the path; relative paths are resolved from the current location.");

    /// <summary>With -Quiet a problem is just $false, like Test-Path; otherwise a non-terminating error.</summary>
    private void Report(string id, ErrorCategory category, string target, string message, string fix, Exception? exception = null)
    {
        if (Quiet)
        {
            WriteObject(false);
            return;
        }

        WriteError(id, category, target, message, fix, exception);
    }
}
