using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Net;
using System.Reflection;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Gateway.Server;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// The kt command line (System.CommandLine): every command is one file with a <c>Create()</c> and one line in
/// <see cref="Commands"/>. Exit codes: 0 success, 1 invalid input (config, audit chain, cannot listen), 2 usage error.
/// </summary>
public static class KtCommandLine
{
    /// <summary>Every kt command, by the group it sits under ("" = top level). Adding a command = one line here.</summary>
    private static IEnumerable<(string Group, Command Command)> Commands() =>
    [
        ("gateway", GatewayRunCommand.Create()),
        ("config", ConfigValidateCommand.Create()),
        ("audit", AuditVerifyCommand.Create()),
        ("", EvalCommand.Create()),
        ("", QuickstartCommand.Create()),
        ("", CompletionCommand.Create()),
        ("", KeysCommand.Create()),
    ];

    /// <summary>What <c>kt &lt;group&gt; --help</c> says about each command group.</summary>
    private static readonly Dictionary<string, string> GroupDescriptions = new(StringComparer.Ordinal)
    {
        ["gateway"] = "Run the policy gateway (an OpenAI-compatible proxy with the policy chain).",
        ["config"] = "Work with policy config files.",
        ["audit"] = "Work with the tamper-evident audit log.",
    };

    public const int UsageErrorExitCode = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRoot().Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // The gateway's host handles SIGTERM/Ctrl+C itself (graceful drain); the parser must not race it.
            ProcessTerminationTimeout = null,
        };
        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        return parseResult.Action is ParseErrorAction ? UsageErrorExitCode : exitCode;
    }

    /// <summary>The command tree; public so tests and completion can walk it.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("kt — the KeepTrusts gateway. Environment: KT_LISTEN and KT_POLICY_CONFIG stand in for --listen and --policy-config (containers, services).");
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction();
        }

        foreach (var (group, command) in Commands())
        {
            ParentOf(root, group).Subcommands.Add(command);
        }

        ShowHelpWhenNoSubcommand(root);
        return root;
    }

    private static Command ParentOf(RootCommand root, string group)
    {
        if (group.Length == 0)
        {
            return root;
        }

        var parent = root.Subcommands.FirstOrDefault(c => c.Name == group);
        if (parent is null)
        {
            parent = new Command(group, GroupDescriptions.GetValueOrDefault(group, string.Empty));
            root.Subcommands.Add(parent);
        }

        return parent;
    }

    /// <summary>`kt` and `kt gateway` alone print their help (exit 0 for kt, 2 for a group missing its subcommand).</summary>
    private static void ShowHelpWhenNoSubcommand(Command command)
    {
        if (command.Action is null && command.Subcommands.Count > 0)
        {
            var isRoot = command is RootCommand;
            command.SetAction(parseResult =>
            {
                new HelpAction().Invoke(parseResult);
                return isRoot ? 0 : UsageErrorExitCode;
            });
        }

        foreach (var subcommand in command.Subcommands)
        {
            ShowHelpWhenNoSubcommand(subcommand);
        }
    }

    /// <summary>Loads and validates a config, printing every diagnostic; null when it has errors.</summary>
    internal static PolicyConfig? LoadConfig(string path, TextWriter output)
    {
        var result = PolicyConfigLoader.Load(path);
        foreach (var diagnostic in result.Diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        if (!result.IsValid)
        {
            output.WriteLine($"{path}: {result.Errors.Count()} error(s), {result.Warnings.Count()} warning(s). The gateway does not start with an invalid config.");
            return null;
        }

        return result.Config;
    }

    internal static string ChainText(PolicyConfig config) =>
        config.Policies.Chain.Count == 0 ? "none" : string.Join(" -> ", config.Policies.Chain);

    internal static void WarnIfExposed(string listen, PolicyConfig config, TextWriter stderr)
    {
        var (host, _) = GatewayServer.ParseListen(listen);
        if (!IPAddress.IsLoopback(host) && config.Gateway.ClientKeys.Count == 0 && config.Gateway.Keys is null)
        {
            stderr.WriteLine($"WARNING: listening on {listen}, which other machines can reach, with no client authentication. " +
                "Anyone who can reach this port can spend your Azure OpenAI quota. Add gateway.client_keys to the policy config, " +
                "or listen on 127.0.0.1.");
        }
    }

    internal static string VersionText()
    {
        var version = typeof(KtCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return $"kt {version.Split('+')[0]}";
    }

    /// <summary>`kt --version` prints "kt 1.2.3" (without the build's commit suffix).</summary>
    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(VersionText());
            return 0;
        }
    }
}
