using System.Collections;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Tab completion: Models of the policy config on the same line, of -GatewayUrl's gateway (its /v1/models), or of the running gateways.</summary>
public sealed class ModelCompleter : KtCompleter
{
    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters) => CompletionSources.Models(boundParameters);
}
