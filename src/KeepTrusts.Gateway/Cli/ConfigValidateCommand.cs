using System.CommandLine;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Gateway.Cli;

/// <summary><c>kt config validate &lt;file&gt;</c>: every problem with file:line:column; exit 0 valid, 1 invalid.</summary>
internal static class ConfigValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The policy config (YAML) to check." };
        var command = new Command("validate", "Check a policy config and print every problem with file:line:column, field path and fix.") { file };
        command.SetAction(parseResult => Validate(parseResult.GetValue(file)!, parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Validate(string file, TextWriter stdout)
    {
        var result = PolicyConfigLoader.Load(file);
        foreach (var diagnostic in result.Diagnostics)
        {
            stdout.WriteLine(diagnostic.ToString());
        }

        stdout.WriteLine(result.IsValid
            ? $"{file}: valid ({result.Warnings.Count()} warning(s))"
            : $"{file}: {result.Errors.Count()} error(s), {result.Warnings.Count()} warning(s)");
        return result.IsValid ? 0 : 1;
    }
}
