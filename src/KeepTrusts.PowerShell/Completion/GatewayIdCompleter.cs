using System.Collections;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Tab completion: Gateway ids of running and exited gateways (Get-KtGateway).</summary>
public sealed class GatewayIdCompleter : KtCompleter
{
    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters) => CompletionSources.GatewayIds();
}
