using System.Net;
using System.Reflection;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Gateway.Server;

namespace KeepTrusts.Gateway.Cli;

/// <summary>
/// The kt command line: <c>gateway run</c>, <c>config validate</c>, <c>audit verify</c>, <c>quickstart</c>.
/// Exit codes: 0 success, 1 invalid input (config or audit chain), 2 usage error.
/// </summary>
public static class KtCommandLine
{
    private const string Usage = """
        kt — the KeepTrusts gateway

        Usage:
          kt gateway run [--listen <host:port>] [--policy-config <file>] [--log-format text|json] [--log-file <path>] [--quiet]
          kt config validate <file>
          kt audit verify <dir>
        """ + "\n" + KeysCommands.Usage + "\n" + """
          kt quickstart [--listen <host:port>] [--once]
          kt --version

        Environment: KT_LISTEN and KT_POLICY_CONFIG stand in for --listen and --policy-config (containers, services).
        Defaults: --listen 127.0.0.1:8080, --policy-config ./policy-config.yaml.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        try
        {
            return args switch
            {
                ["gateway", "run", .. var rest] => await GatewayRunAsync(Options.Parse(rest), stdout, stderr, cancellationToken).ConfigureAwait(false),
                ["config", "validate", var file] => ConfigValidate(file, stdout),
                ["audit", "verify", var dir] => AuditCommands.Verify(dir, stdout),
                ["keys", .. var rest] => KeysCommands.Run(rest, stdout, stderr),
                ["quickstart", .. var rest] => await Quickstart.RunAsync(Options.Parse(rest), stdout, stderr, cancellationToken).ConfigureAwait(false),
                ["--version"] or ["version"] => Version(stdout),
                ["--help"] or ["-h"] or ["help"] or [] => Help(stdout),
                _ => UsageError(stderr, $"unknown command: kt {string.Join(' ', args)}"),
            };
        }
        catch (UsageException ex)
        {
            return UsageError(stderr, ex.Message);
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

    private static async Task<int> GatewayRunAsync(Options options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.LogFile is { } logFile)
        {
            // Start-KtGateway runs kt detached: everything kt prints goes to this file, which outlives the session.
            var writer = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
            var synchronized = TextWriter.Synchronized(writer);
            Console.SetOut(synchronized);
            Console.SetError(synchronized);
            stdout = synchronized;
            stderr = synchronized;
        }

        var configPath = options.PolicyConfig ?? Environment.GetEnvironmentVariable("KT_POLICY_CONFIG") ?? "policy-config.yaml";
        var listen = options.Listen ?? Environment.GetEnvironmentVariable("KT_LISTEN") ?? GatewayServer.DefaultListen;
        var config = LoadConfig(configPath, stderr);
        if (config is null)
        {
            return 1;
        }

        await using var composition = GatewayComposition.Create(config);
        var app = GatewayServer.Build(new GatewayServerOptions
        {
            Config = config,
            Listen = listen,
            Chain = composition.Chain,
            Audit = composition.Audit,
            JsonLogs = options.LogFormat == "json",
            Quiet = options.Quiet,
        });
        WarnIfExposed(listen, config, stderr);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"kt: cannot listen on {listen}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        var address = GatewayServer.BoundAddress(app);
        await stdout.WriteLineAsync($"kt gateway '{config.Pack.Name}' listening on {address} ({config.Providers.Targets.Count} target(s), chain: {ChainText(config)})").ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
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

    private static int ConfigValidate(string file, TextWriter stdout)
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

    private static int Version(TextWriter stdout)
    {
        var version = typeof(KtCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        stdout.WriteLine($"kt {version.Split('+')[0]}");
        return 0;
    }

    private static int Help(TextWriter stdout)
    {
        stdout.WriteLine(Usage);
        return 0;
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine($"kt: {message}");
        stderr.WriteLine(Usage);
        return 2;
    }

    /// <summary>The options shared by the server commands.</summary>
    internal sealed record Options(string? Listen, string? PolicyConfig, string LogFormat, bool Quiet, bool Once, string? LogFile)
    {
        public static Options Parse(string[] args)
        {
            string? listen = null, config = null, logFormat = "text", logFile = null;
            bool quiet = false, once = false;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--listen":
                        listen = Value();
                        break;
                    case "--policy-config":
                        config = Value();
                        break;
                    case "--log-format":
                        logFormat = Value();
                        if (logFormat is not ("text" or "json"))
                        {
                            throw new UsageException("--log-format is text or json");
                        }

                        break;
                    case "--log-file":
                        logFile = Value();
                        break;
                    case "--quiet":
                        quiet = true;
                        break;
                    case "--once":
                        once = true;
                        break;
                    default:
                        throw new UsageException($"unknown option '{args[i]}'");
                }
            }

            if (listen is not null)
            {
                try
                {
                    GatewayServer.ParseListen(listen);
                }
                catch (ArgumentException ex)
                {
                    throw new UsageException(ex.Message);
                }
            }

            return new Options(listen, config, logFormat!, quiet, once, logFile);
        }
    }

    internal sealed class UsageException(string message) : Exception(message);
}
