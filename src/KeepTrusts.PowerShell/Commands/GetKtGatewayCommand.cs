using System.Management.Automation;
using KeepTrusts.PowerShell.Completion;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Lists the kt gateways started with Start-KtGateway: running ones, and ones that exited on their own (Exited, with exit code and last log lines).</summary>
[Cmdlet(VerbsCommon.Get, "KtGateway", HelpUri = KtHelpUri.Cmdlets + "get-ktgateway")]
[OutputType(typeof(KtGateway))]
public sealed class GetKtGatewayCommand : KtCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(GatewayIdCompleter))]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        var gateways = GatewayMapping.List();
        var listed = new List<KtGateway>();
        if (Id is null)
        {
            listed.AddRange(gateways);
        }

        foreach (var id in Id ?? [])
        {
            var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
            var matches = gateways.Where(g => pattern.IsMatch(g.Id)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
            {
                WriteError("GatewayNotFound", ErrorCategory.ObjectNotFound, id, $"No KeepTrusts gateway has id '{id}'.", "Run Get-KtGateway to list the running ones.");
            }

            listed.AddRange(matches);
        }

        // Warn only about the gateways this call lists: asking for one id should not report every other exited one.
        foreach (var exited in listed.Where(g => g.Status == "Exited"))
        {
            WriteWarning($"Gateway {exited.Id} exited with code {exited.ExitCode?.ToString() ?? "unknown (killed)"}" +
                (exited.ExitReason is { } reason ? $": {reason}" : $"; last log line: {exited.LastLogLines.LastOrDefault() ?? "(none)"}") +
                $" Stop-KtGateway -Id {exited.Id} removes it from the list.");
        }

        WriteObject(listed, enumerateCollection: true);
    }
}
