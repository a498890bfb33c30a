using System.CommandLine;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Gateway.Server;

namespace KeepTrusts.Gateway.Cli;

/// <summary><c>kt gateway run</c>: serves the policy gateway until SIGTERM/Ctrl+C (what containers and Start-KtGateway run).</summary>
internal static class GatewayRunCommand
{
    public static Command Create()
    {
        var listen = KtOptions.Listen();
        var policyConfig = KtOptions.PolicyConfig("Policy config file (default ./policy-config.yaml, or KT_POLICY_CONFIG).");
        var logFormat = new Option<string>("--log-format") { Description = "Log line format.", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var logFile = new Option<string?>("--log-file") { Description = "Append everything kt prints to this file (Start-KtGateway runs kt detached with it).", HelpName = "path" };
        var quiet = new Option<bool>("--quiet") { Description = "Do not log each request." };
        var command = new Command("run", "Run the gateway in the foreground until SIGTERM or Ctrl+C.")
        {
            listen, policyConfig, logFormat, logFile, quiet,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(listen),
            parseResult.GetValue(policyConfig),
            parseResult.GetValue(logFormat) == "json",
            parseResult.GetValue(logFile),
            parseResult.GetValue(quiet),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? listenOption, string? configOption, bool jsonLogs, string? logFile, bool quiet, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (logFile is not null)
        {
            // Start-KtGateway runs kt detached: everything kt prints goes to this file, which outlives the session.
            var writer = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
            var synchronized = TextWriter.Synchronized(writer);
            Console.SetOut(synchronized);
            Console.SetError(synchronized);
            stdout = synchronized;
            stderr = synchronized;
        }

        var configPath = configOption ?? Environment.GetEnvironmentVariable("KT_POLICY_CONFIG") ?? "policy-config.yaml";
        var listen = listenOption ?? Environment.GetEnvironmentVariable("KT_LISTEN") ?? GatewayServer.DefaultListen;
        var config = KtCommandLine.LoadConfig(configPath, stderr);
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
            JsonLogs = jsonLogs,
            Quiet = quiet,
        });
        KtCommandLine.WarnIfExposed(listen, config, stderr);
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
        await stdout.WriteLineAsync($"kt gateway '{config.Pack.Name}' listening on {address} ({config.Providers.Targets.Count} target(s), chain: {KtCommandLine.ChainText(config)})").ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
