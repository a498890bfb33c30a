using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// Runs a labelled JSONL set through a policy config's request chain and measures precision, recall, false-positive
/// rate, TPR at FPR 1 % and 5 %, per-source figures and latency (the same engine call as <c>kt eval</c>). By default the
/// summary is followed by one row per source, for reading (the summary's view is out of band, so the rows still print as a
/// table); -AsObject writes the single measurement object for scripts.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "KtPolicy", HelpUri = KtHelpUri.Cmdlets + "measure-ktpolicy")]
[OutputType(typeof(KtPolicyMeasurement), typeof(KtPolicySourceMeasurement))]
public sealed class MeasureKtPolicyCommand : KtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ConfigPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DataPath { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter AsObject { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveFile(Path, "PolicyConfigNotFound", "policy config") is not { } config
            || ResolveFile(DataPath, "LabelledDataNotFound", "labelled data file") is not { } data)
        {
            return;
        }

        var errors = PolicyMeasurements.ConfigErrors(config);
        if (errors.Length > 0)
        {
            WriteError("PolicyConfigInvalid", ErrorCategory.InvalidData, config, $"'{config}' is not a valid policy config:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}",
                $"Fix the errors listed (Test-KtPolicyConfig -Path '{config}' shows them with their fixes).");
            return;
        }

        WriteVerbose($"Running {data} through the request chain of {config} (PolicyEvaluator.Evaluate)");
        var progress = new ProgressRecord(1, "Measure-KtPolicy", $"Running {System.IO.Path.GetFileName(data)}");
        KtPolicyMeasurement? result;
        string? dataError = null;
        try
        {
            result = PolicyMeasurements.Measure(config, data, (done, total) =>
            {
                progress.StatusDescription = $"{done} of {total} samples";
                progress.PercentComplete = (int)(100L * done / total);
                WriteProgress(progress);
            }, StopToken, out dataError);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);

        if (result is null)
        {
            WriteError("LabelledDataInvalid", ErrorCategory.InvalidData, data, dataError!,
                "Each line must be a JSON object with \"text\" (string) and \"label\" (1 attack, 0 benign), optionally \"source\" and \"kind\".");
            return;
        }

        WriteObject(result);
        if (!AsObject)
        {
            WriteObject(result.Sources, enumerateCollection: true);
        }
    }

    private string? ResolveFile(string path, string notFoundId, string what)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        if (File.Exists(resolved))
        {
            return resolved;
        }

        WriteError(notFoundId, ErrorCategory.ObjectNotFound, path, $"Cannot find the {what} '{path}'.", "Check the path; relative paths are resolved from the current location.");
        return null;
    }
}
