using System.Collections;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Tab completion: Policy config files (*.yaml, *.yml) and folders.</summary>
public sealed class PolicyConfigPathCompleter : KtCompleter
{
    protected override bool FiltersItself => true;

    protected override IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters) => CompletionSources.ConfigPaths(word);
}
