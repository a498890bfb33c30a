using System.Collections.ObjectModel;
using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Validates policy-config files and reports every problem with file:line:column, field path and fix.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KtPolicyConfig", DefaultParameterSetName = PathSet)]
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
            WriteVerbose($"Validating {file}");
            var result = ConfigValidation.Validate(file);
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
                var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal);
                if (File.Exists(resolved))
                {
                    yield return resolved;
                }
                else
                {
                    ReportMissing(literal);
                }
            }

            yield break;
        }

        foreach (var pattern in Path)
        {
            Collection<string>? resolved = null;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(pattern, out _);
            }
            catch (ItemNotFoundException)
            {
            }

            if (resolved is null || resolved.Count == 0)
            {
                ReportMissing(pattern);
                continue;
            }

            foreach (var file in resolved)
            {
                yield return file;
            }
        }
    }

    private void ReportMissing(string path)
    {
        if (Quiet)
        {
            WriteObject(false);
            return;
        }

        WriteError("PolicyConfigNotFound", ErrorCategory.ObjectNotFound, path,
            $"Cannot find policy config '{path}'.", "Check the path; relative paths are resolved from the current location.");
    }
}
