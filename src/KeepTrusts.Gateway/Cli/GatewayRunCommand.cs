using KeepTrusts.Engine.Audit;
using System.CommandLine;
using System.Net.Sockets;
using KeepTrusts.Engine.Hosting;
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
        // Start-KtGateway's channel: kt writes the URL it bound and, at the end, its exit code into this record.
        var instanceRecord = new Option<string?>("--instance-record") { Description = "Instance record (JSON) to write the bound URL and exit code into.", HelpName = "path", Hidden = true };
        var command = new Command("run", "Run the gateway in the foreground until SIGTERM or Ctrl+C.")
        {
            listen, policyConfig, logFormat, logFile, quiet, instanceRecord,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var record = parseResult.GetValue(instanceRecord);
            var (exitCode, reason) = await RunAsync(
                parseResult.GetValue(listen),
                parseResult.GetValue(policyConfig),
                parseResult.GetValue(logFormat) == "json",
                parseResult.GetValue(logFile),
                parseResult.GetValue(quiet),
                record,
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error,
                cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                GatewayInstanceRecord.RecordExit(record, exitCode, reason);
            }

            return exitCode;
        });
        return command;
    }

    /// <summary>Serves until shutdown; returns the exit code and, when kt could not serve, one sentence saying why.</summary>
    private static async Task<(int ExitCode, string? Reason)> RunAsync(string? listenOption, string? configOption, bool jsonLogs, string? logFile, bool quiet, string? instanceRecord, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
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
        if (!ListenAddress.TryParse(listen, out _, out var listenError))
        {
            await stderr.WriteLineAsync($"kt: {(listenOption is null ? "KT_LISTEN" : "--listen")} {listenError}").ConfigureAwait(false);
            return (KtExitCodes.Usage, listenError);
        }

        var config = KtCommandLine.LoadConfig(configPath, stderr);
        if (config is null)
        {
            return (KtExitCodes.InvalidInput, $"The policy config '{configPath}' has errors; the gateway did not start.");
        }

        GatewayComposition composition;
        try
        {
            composition = GatewayComposition.Create(config);
        }
        catch (AuditStartRefusedException ex)
        {
            var reason = $"The audit log cannot start: {ex.Message}";
            await stderr.WriteLineAsync($"kt: {reason}").ConfigureAwait(false);
            return (KtExitCodes.AuditUnavailable, reason);
        }

        await using var disposeComposition = composition;
        var app = GatewayServer.Build(new GatewayServerOptions
        {
            Config = config,
            Listen = listen,
            Composition = composition,
            ConfigPath = configPath,
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
            var reason = CannotListenReason(listen, ex);
            await stderr.WriteLineAsync($"kt: {reason}").ConfigureAwait(false);
            return (KtExitCodes.CannotListen, reason);
        }

        var address = GatewayServer.BoundAddress(app);
        if (instanceRecord is not null)
        {
            GatewayInstanceRecord.RecordListening(instanceRecord, address);
        }

        await stdout.WriteLineAsync($"kt gateway '{config.Pack.Name}' listening on {address} ({config.Providers.Targets.Count} target(s), chain: {KtCommandLine.ChainText(config)})").ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return (KtExitCodes.Success, null);
    }

    internal static string CannotListenReason(string listen, IOException ex)
    {
        var address = ListenAddress.Parse(listen);
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.GetType().Name == "AddressInUseException")
            {
                return $"Port {address.Port} on {address.Host} is already in use; listen on another port (--listen / -Listen) or stop the process that holds it.";
            }

            if (e is SocketException { SocketErrorCode: SocketError.AccessDenied })
            {
                return $"Listening on {address} is not permitted for this user; use a port above 1024 or 127.0.0.1.";
            }

            if (e is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
            {
                return $"{address.Host} is not an address of this machine; listen on 127.0.0.1, 0.0.0.0 or one of its own addresses.";
            }
        }

        return $"Cannot listen on {address}: {ex.Message}";
    }
}
