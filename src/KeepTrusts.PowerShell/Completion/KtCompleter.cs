using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace KeepTrusts.PowerShell.Completion;

/// <summary>Base of the module's argument completers: filters by the word typed so far and never lets an error escape.</summary>
public abstract class KtCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        List<(string Value, string Tooltip)> candidates;
        try
        {
            candidates = Candidates(word, fakeBoundParameters).ToList();
        }
        catch (Exception)
        {
            // Completion must never print an error at the prompt; no candidates is the honest answer.
            return [];
        }

        return candidates
            .Where(c => FiltersItself || c.Value.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(Quote(c.Value), c.Value, CompletionResultType.ParameterValue, string.IsNullOrEmpty(c.Tooltip) ? c.Value : c.Tooltip))
            .ToList();
    }

    /// <summary>True when <see cref="Candidates"/> already matched the word (paths).</summary>
    protected virtual bool FiltersItself => false;

    protected abstract IEnumerable<(string Value, string Tooltip)> Candidates(string word, IDictionary boundParameters);

    private static string Quote(string value) =>
        value.IndexOfAny([' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#']) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;
}
