using System.Collections;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Tab completion: Models of the policy config on the same line, or of the running gateways (of -GatewayUrl's, when given).</summary>
public sealed class ModelCompleter : KtCompleter
{
    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters) => CompletionSources.Models(boundParameters);
}
