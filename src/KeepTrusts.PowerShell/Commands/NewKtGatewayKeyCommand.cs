using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Adds a virtual client key to a key store and shows its secret once; running gateways accept it within seconds.</summary>
[Cmdlet(VerbsCommon.New, "KtGatewayKey", HelpUri = KtHelpUri.Cmdlets + "new-ktgatewaykey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KtNewGatewayKey))]
public sealed class NewKtGatewayKeyCommand : KtCmdlet
{
    /// <summary>The key store file (gateway.keys.store of the policy config); created when missing.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Store { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[A-Za-z0-9._-]{1,64}$")]
    public string Alias { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Model { get; set; } = [];

    [Parameter]
    [ValidatePattern("^/")]
    public string[] Route { get; set; } = [];

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int RequestsPerMinute { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TokensPerMinute { get; set; }

    [Parameter]
    [ValidateRange(0, 1_000_000)]
    public decimal BudgetUsdPerDay { get; set; }

    [Parameter]
    [ValidateRange(0, 10_000_000)]
    public decimal BudgetUsdPerMonth { get; set; }

    [Parameter]
    public DateTimeOffset ExpiresAt { get; set; }

    [Parameter]
    public SwitchParameter Disabled { get; set; }

    protected override void ProcessRecord()
    {
        var store = GetUnresolvedProviderPathFromPSPath(Store);
        if (!ShouldProcess($"{Alias} in {store}", "Add gateway key"))
        {
            return;
        }

        var bound = MyInvocation.BoundParameters;
        var request = new KtGatewayKeyRequest(
            Alias, Model, Route,
            bound.ContainsKey(nameof(RequestsPerMinute)) ? RequestsPerMinute : null,
            bound.ContainsKey(nameof(TokensPerMinute)) ? TokensPerMinute : null,
            bound.ContainsKey(nameof(BudgetUsdPerDay)) ? BudgetUsdPerDay : null,
            bound.ContainsKey(nameof(BudgetUsdPerMonth)) ? BudgetUsdPerMonth : null,
            bound.ContainsKey(nameof(ExpiresAt)) ? ExpiresAt : null,
            Disabled.IsPresent);
        WriteVerbose($"Adding key '{Alias}' to {store}");
        try
        {
            var created = GatewayKeys.Add(store, request);
            WriteWarning($"The secret of '{created.Alias}' is shown only now: give it to the client and keep no copy. The store holds only its hash.");
            WriteObject(created);
        }
        catch (KtException ex)
        {
            WriteError(GatewayKeys.ErrorId(ex), ex.Data["KeyStoreError"] as string == "GatewayKeyExists" ? ErrorCategory.ResourceExists : ErrorCategory.InvalidData,
                Alias, ex.Message, null, ex);
        }
    }
}
