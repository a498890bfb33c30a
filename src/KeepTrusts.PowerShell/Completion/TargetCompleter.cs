using System.Collections;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Tab completion: Target ids of the policy config on the same line, or of the running gateways.</summary>
public sealed class TargetCompleter : KtCompleter
{
    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters) => CompletionSources.TargetIds(boundParameters);
}
