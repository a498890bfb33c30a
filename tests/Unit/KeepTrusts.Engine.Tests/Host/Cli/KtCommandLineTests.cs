using System.CommandLine;
using System.Diagnostics;
using KeepTrusts.Gateway.Cli;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host.Cli;

/// <summary>kt's command line as a user meets it: help on every command, usage errors, shell completion.</summary>
public sealed class KtCommandLineTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await KtCommandLine.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static IEnumerable<string[]> CommandPaths(Command command, string[] prefix)
    {
        foreach (var subcommand in command.Subcommands)
        {
            string[] path = [.. prefix, subcommand.Name];
            yield return path;
            foreach (var nested in CommandPaths(subcommand, path))
            {
                yield return nested;
            }
        }
    }

    [Fact]
    public async Task Gateway_help_lists_its_run_command()
    {
        var (exitCode, output, _) = await RunAsync("gateway", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains(" gateway [command]", output); // the root is named after the executable (kt; testhost here)
        Assert.Contains("run", output);
    }

    [Fact]
    public async Task Every_command_has_help_with_a_description()
    {
        var paths = CommandPaths(KtCommandLine.BuildRoot(), []).ToList();
        Assert.Contains(paths, p => p.SequenceEqual(new[] { "gateway", "run" }));

        foreach (var path in paths)
        {
            var (exitCode, output, _) = await RunAsync([.. path, "--help"]);
            Assert.True(exitCode == 0, $"kt {string.Join(' ', path)} --help exited {exitCode}");
            Assert.Contains($" {string.Join(' ', path)}", output);
            Assert.Matches(@"Description:\s+\S", output);
        }
    }

    [Fact]
    public async Task Gateway_run_help_names_every_option()
    {
        var (_, output, _) = await RunAsync("gateway", "run", "-h");

        foreach (var option in new[] { "--listen", "--policy-config", "--log-format", "--log-file", "--quiet" })
        {
            Assert.Contains(option, output);
        }
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error_that_suggests_the_right_one()
    {
        var (exitCode, output, error) = await RunAsync("gatway", "run");

        Assert.Equal(KtCommandLine.UsageErrorExitCode, exitCode);
        Assert.Contains("'gatway'", error);
        Assert.Contains("gateway", output + error);
    }

    [Fact]
    public async Task Bad_listen_value_is_a_usage_error_naming_the_value()
    {
        var (exitCode, _, error) = await RunAsync("gateway", "run", "--listen", "nonsense");

        Assert.Equal(KtCommandLine.UsageErrorExitCode, exitCode);
        Assert.Contains("'nonsense'", error);
    }

    [Fact]
    public async Task Log_format_accepts_only_text_or_json()
    {
        var (exitCode, _, error) = await RunAsync("gateway", "run", "--log-format", "xml");

        Assert.Equal(KtCommandLine.UsageErrorExitCode, exitCode);
        Assert.Contains("xml", error);
    }

    [Fact]
    public async Task Version_prints_kt_and_the_version_without_the_commit()
    {
        var (exitCode, output, _) = await RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^kt \d+\.\d+\.\d+[^+]*$", output.Trim());
    }

    [Fact]
    public async Task Config_fields_named_in_help_exist()
    {
        var known = Configuration.DocsConfigTests.KeyPaths(typeof(KeepTrusts.Engine.Configuration.PolicyConfig), string.Empty).ToHashSet();
        var named = new List<string>();
        foreach (var path in CommandPaths(KtCommandLine.BuildRoot(), []))
        {
            var (_, output, _) = await RunAsync([.. path, "--help"]);
            named.AddRange(System.Text.RegularExpressions.Regex.Matches(output, @"\b(?:pack|policies|policy|providers|gateway)\.[\w.-]*\w").Select(m => m.Value));
        }

        Assert.Contains("policy.audit-logger.path", named);
        Assert.All(named, field => Assert.True(known.Contains(field), $"kt help names '{field}', which is not a policy-config field"));
    }

    [Fact]
    public async Task Audit_verify_of_a_missing_directory_names_the_config_field_to_look_up()
    {
        var missing = Path.Combine(Path.GetTempPath(), "kt-no-such-audit-" + Guid.NewGuid().ToString("N"));

        var (exitCode, output, _) = await RunAsync("audit", "verify", missing);

        Assert.Equal(1, exitCode);
        Assert.Contains($"'{missing}' is not a directory; give the audit log directory (policy.audit-logger.path", output);
    }

    [Fact]
    public async Task Keys_add_with_an_expiry_that_is_not_a_date_names_the_format()
    {
        var (exitCode, _, error) = await RunAsync("keys", "add", "--store", Path.Combine(Path.GetTempPath(), "kt-never-written.json"), "--alias", "a", "--expires", "tomorrow");

        Assert.Equal(2, exitCode);
        Assert.Contains("--expires 'tomorrow' is not a date and time; use ISO 8601 such as 2027-01-31T00:00:00Z", error);
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public async Task Suggest_directive_completes_options_of_the_command_on_the_line()
    {
        var (exitCode, output, _) = await RunAsync("[suggest:19]", "kt gateway run --lo");

        Assert.Equal(0, exitCode);
        Assert.Equal(["--log-file", "--log-format"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _kt_complete kt")]
    [InlineData("zsh", "compdef _kt_complete kt")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName kt")]
    public async Task Completion_prints_a_script_for_each_shell(string shell, string registration)
    {
        var (exitCode, output, _) = await RunAsync("completion", shell);

        Assert.Equal(0, exitCode);
        Assert.Contains(registration, output);
        Assert.Contains("[suggest:", output);
    }

    [Fact]
    public async Task Bash_completion_script_completes_subcommands_through_the_real_kt()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/bash"))
        {
            return;
        }

        // A `kt` on PATH that runs the kt.dll under test, as an installed tool would.
        var bin = Directory.CreateTempSubdirectory("kt-bin-").FullName;
        var wrapper = Path.Combine(bin, "kt");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{KtProcess.KtDll}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var info = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""source <(kt completion bash); COMP_LINE="kt gateway r"; COMP_POINT=12; _kt_complete; printf '%s\n' "${COMPREPLY[@]}" """);
        info.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

        using var bash = Process.Start(info)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Equal("run", output.Trim());
    }
}
