using System.Collections;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Tab completion: URLs of the running gateways.</summary>
public sealed class GatewayUrlCompleter : KtCompleter
{
    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters) => CompletionSources.GatewayUrls();
}
