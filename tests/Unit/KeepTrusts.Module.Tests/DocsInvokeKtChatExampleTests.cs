using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using KeepTrusts.Testing;

namespace KeepTrusts.Module.Tests;

/// <summary>
/// Invoke-KtChat needs to know where to send: -GatewayUrl or -PolicyConfig, or a previous result piped in (it carries its
/// own). An example that pipes a string or nothing without either stops at a "Supply values for PolicyConfig" prompt (or
/// fails in a runbook).
/// </summary>
public sealed partial class DocsInvokeKtChatExampleTests
{
    private static IEnumerable<(string Where, string Code)> Snippets()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Append(Path.Combine(RepoPaths.Root, "README.md")))
        {
            foreach (Match block in PowerShellBlock().Matches(File.ReadAllText(file)))
            {
                yield return (Path.GetFileName(file), block.Groups[1].Value);
            }
        }

        var help = Path.Combine(RepoPaths.Root, "src", "KeepTrusts.PowerShell", "Help");
        foreach (var file in Directory.GetFiles(help, "*.help.xml"))
        {
            // Fragments without their namespace declarations (ModuleLayout.targets adds them), so read <dev:code> as text.
            foreach (Match code in HelpCode().Matches(File.ReadAllText(file)))
            {
                yield return (Path.GetFileName(file), System.Net.WebUtility.HtmlDecode(code.Groups[1].Value));
            }
        }

        foreach (var file in Directory.GetFiles(help, "about_*.help.txt"))
        {
            // About topics indent their examples; each line that calls a cmdlet is a statement of its own.
            foreach (var line in File.ReadAllLines(file).Where(l => l.StartsWith("        ", StringComparison.Ordinal)))
            {
                yield return (Path.GetFileName(file), line);
            }
        }
    }

    [Fact]
    public void Every_Invoke_KtChat_example_says_where_to_send_the_request()
    {
        var calls = 0;
        var missing = new List<string>();
        foreach (var (where, code) in Snippets())
        {
            var ast = Parser.ParseInput(code, out _, out _);
            foreach (var command in ast.FindAll(a => a is CommandAst c && c.GetCommandName() == "Invoke-KtChat", true).Cast<CommandAst>())
            {
                calls++;
                var parameters = command.CommandElements.OfType<CommandParameterAst>().Select(p => p.ParameterName);
                if (!parameters.Any(p => p.Equals("GatewayUrl", StringComparison.OrdinalIgnoreCase) || p.Equals("PolicyConfig", StringComparison.OrdinalIgnoreCase))
                    && !PipedFromAResult(command))
                {
                    missing.Add($"{where}: {command.Extent.Text}");
                }
            }
        }

        Assert.True(calls >= 10, $"found only {calls} Invoke-KtChat calls in the docs and help");
        Assert.True(missing.Count == 0, "Invoke-KtChat without -GatewayUrl or -PolicyConfig, and not fed a previous result:" + Environment.NewLine + string.Join(Environment.NewLine, missing));
    }

    /// <summary>`$r | Invoke-KtChat ...`: fed by a variable, the examples' name for a previous result (a string literal is not).</summary>
    private static bool PipedFromAResult(CommandAst command) =>
        command.Parent is PipelineAst pipeline && pipeline.PipelineElements.IndexOf(command) > 0
        && pipeline.PipelineElements[0] is CommandExpressionAst { Expression: VariableExpressionAst };

    [GeneratedRegex(@"```powershell\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PowerShellBlock();

    [GeneratedRegex(@"<dev:code>(.*?)</dev:code>", RegexOptions.Singleline)]
    private static partial Regex HelpCode();
}
