using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Lists the kt gateways started with Start-KtGateway that are still running.</summary>
[Cmdlet(VerbsCommon.Get, "KtGateway")]
[OutputType(typeof(KtGateway))]
public sealed class GetKtGatewayCommand : KtCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        var gateways = GatewayMapping.List();
        if (Id is null)
        {
            WriteObject(gateways, enumerateCollection: true);
            return;
        }

        foreach (var id in Id)
        {
            var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
            var matches = gateways.Where(g => pattern.IsMatch(g.Id)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
            {
                WriteError("GatewayNotFound", ErrorCategory.ObjectNotFound, id, $"No running KeepTrusts gateway has id '{id}'.", "Run Get-KtGateway to list the running ones.");
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
