using System.CommandLine;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// <c>kt completion bash|zsh|pwsh</c>: prints a script that asks kt itself for completions through System.CommandLine's
/// <c>[suggest:position]</c> directive, so completion always matches the installed kt's commands and options.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # kt completion for bash. Load it with:  source <(kt completion bash)
        _kt_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(kt "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _kt_complete kt
        """;

    private const string Zsh = """
        # kt completion for zsh. Load it with:  source <(kt completion zsh)
        _kt_complete() {
            local line="${BUFFER[1,CURSOR]}"
            local -a suggestions
            suggestions=("${(@f)$(kt "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -- "${suggestions[@]}"
        }
        compdef _kt_complete kt
        """;

    private const string Pwsh = """
        # kt completion for PowerShell. Load it with:  kt completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName kt -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $line = $commandAst.Extent.Text
            $position = $cursorPosition - $commandAst.Extent.StartOffset
            if ($line.Length -lt $position) { $line = $line.PadRight($position) }
            kt "[suggest:$position]" $line 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "The shell to print the completion script for." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var command = new Command("completion", "Print the shell completion script for bash, zsh or pwsh (see each script's first line for how to load it).") { shell };
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Output.WriteLine(parseResult.GetValue(shell) switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                _ => Pwsh,
            });
            return 0;
        });
        return command;
    }
}
