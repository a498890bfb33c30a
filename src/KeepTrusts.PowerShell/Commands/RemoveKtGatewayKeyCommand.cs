using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Revokes virtual client keys: removes them from the key store; running gateways refuse them within seconds.</summary>
[Cmdlet(VerbsCommon.Remove, "KtGatewayKey", HelpUri = KtHelpUri.Cmdlets + "remove-ktgatewaykey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KtGatewayKey))]
public sealed class RemoveKtGatewayKeyCommand : KtCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Store { get; set; } = string.Empty;

    /// <summary>Ids or aliases of the keys to revoke.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Alias")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>Revoke without asking for confirmation (-WhatIf still only reports).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = GetUnresolvedProviderPathFromPSPath(Store);
        foreach (var id in Id)
        {
            if (!ShouldProcess($"{id} in {store}", "Revoke gateway key") ||
                !(Force || ShouldContinue($"Revoke gateway key '{id}'? Clients using it are refused within seconds.", "Revoke gateway key")))
            {
                continue;
            }

            try
            {
                var removed = GatewayKeys.Revoke(store, id);
                WriteVerbose($"Revoked '{removed.Alias}' ({removed.Id}) in {store}");
                if (PassThru)
                {
                    WriteObject(removed);
                }
            }
            catch (KtException ex)
            {
                var errorId = GatewayKeys.ErrorId(ex);
                WriteError(errorId, errorId == "GatewayKeyNotFound" ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData, id, ex.Message,
                    "Run Get-KtGatewayKey -Store <file> to list the keys.", ex);
            }
        }
    }
}
