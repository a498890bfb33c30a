using System.Runtime.InteropServices;
using System.Threading.Channels;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Reload;
using KeepTrusts.Engine.Keys;
using KeepTrusts.Engine.Policies;
using Prometheus;

namespace KeepTrusts.Gateway.Hosting;

/// <summary>
/// Live reload of the policy config: a change to the file (watched, debounced) or SIGHUP loads and validates it with
/// the same diagnostics as <c>kt config validate</c>; a valid config becomes a new <see cref="GatewayGeneration"/>
/// swapped in atomically (requests in flight finish on the old one), an invalid one is refused with its diagnostics
/// in the log and the running config keeps serving. Settings that only apply at start keep their running values and
/// are named in a "needs restart" warning (<see cref="RestartOnlySettings"/>). The audit writer, upstream connections
/// and state store belong to the start-up composition and stay open across reloads. Reloads run one at a time.
/// </summary>
internal sealed class ConfigReloader : BackgroundService
{
    /// <summary>Editors write a file in several steps (truncate, write, rename): one reload after the burst.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly string _path;
    private readonly LiveGateway _live;
    private readonly GatewayGenerationFactory _factory;
    private readonly GatewayComposition _root;
    private readonly ILogger _logger;
    private readonly Counter _reloads;
    private readonly Counter _failures;

    // At most one pending trigger: a burst of changes and signals while a reload runs leads to one more reload.
    private readonly Channel<string> _triggers = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private PosixSignalRegistration? _hangup;
    private string? _appliedText;

    public ConfigReloader(string path, LiveGateway live, GatewayGenerationFactory factory, GatewayComposition root, CollectorRegistry registry, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _live = live;
        _factory = factory;
        _root = root;
        _logger = logger;
        var metrics = Metrics.WithCustomRegistry(registry);
        _reloads = metrics.CreateCounter("kt_config_reloads_total", "Policy config reloads applied (file change or SIGHUP).");
        _failures = metrics.CreateCounter("kt_config_reload_failures_total", "Policy config reloads refused (invalid config or a part that could not be built); the running config kept serving.");
        _reloads.Inc(0);
        _failures.Inc(0);
    }

    /// <summary>Asks for a reload (tests and the signal/watch handlers); returns at once.</summary>
    public void Request(string trigger) => _triggers.Writer.TryWrite(trigger);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _appliedText = TryRead();
        _debounce = new Timer(_ => Request("file change"));
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
        if (!OperatingSystem.IsWindows())
        {
            // SIGHUP's default action ends the process; handled, it asks for a reload instead.
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Request("SIGHUP");
            });
        }

        ReloadLog.Watching(_logger, _path);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        _watcher?.Dispose();
        if (_debounce is not null)
        {
            await _debounce.DisposeAsync().ConfigureAwait(false);
        }

        _triggers.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var trigger in _triggers.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Reload(trigger);
                }
                catch (Exception ex)
                {
                    // Whatever went wrong, the running generation keeps serving and later changes are still picked up.
                    _failures.Inc();
                    ReloadLog.Refused(_logger, _path, trigger, $"{ex.GetType().Name}: {ex.Message}", _live.Current.Number);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One reload attempt; true when a new generation was swapped in.</summary>
    internal bool Reload(string trigger)
    {
        var text = TryRead();
        if (trigger == "file change" && text is not null && text == _appliedText)
        {
            // The file was touched, not changed: keep the running generation (and its in-process limit windows).
            return false;
        }

        var result = PolicyConfigLoader.Load(_path);
        foreach (var diagnostic in result.Diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                ReloadLog.Diagnostic(_logger, diagnostic.ToString());
            }
            else
            {
                ReloadLog.Warning(_logger, diagnostic.ToString());
            }
        }

        if (!result.IsValid)
        {
            _failures.Inc();
            ReloadLog.Refused(_logger, _path, trigger, $"{result.Errors.Count()} error(s), listed above", _live.Current.Number);
            return false;
        }

        var running = _live.Current;
        var next = result.Config!;
        var needsRestart = RestartOnlySettings.KeepRunningValues(running.Config, next);
        PolicyChain chain;
        try
        {
            chain = PolicyChainFactory.Create(next);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            _failures.Inc();
            ReloadLog.Refused(_logger, _path, trigger, $"the policy chain could not be built: {ex.Message}", running.Number);
            return false;
        }

        var composition = _root.WithChain(chain);
        GatewayGeneration generation;
        try
        {
            generation = _factory.Create(running.Number + 1, next, composition, releaseChain: true);
        }
        catch (Exception ex) when (ex is VirtualKeyStoreException or IOException or ArgumentException or InvalidOperationException)
        {
            composition.ReleaseChain();
            _failures.Inc();
            ReloadLog.Refused(_logger, _path, trigger, ex.Message, running.Number);
            return false;
        }

        _live.Swap(generation);
        _appliedText = text;
        _reloads.Inc();
        ReloadLog.Applied(_logger, _path, trigger, generation.Number, next.Providers.Targets.Count,
            next.Policies.Chain.Count == 0 ? "none" : string.Join(" -> ", next.Policies.Chain), running.InFlight);
        if (needsRestart.Count > 0)
        {
            ReloadLog.NeedsRestart(_logger, string.Join(", ", needsRestart));
        }

        return true;
    }

    private string? TryRead()
    {
        try
        {
            return File.ReadAllText(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public override void Dispose()
    {
        _hangup?.Dispose();
        _watcher?.Dispose();
        _debounce?.Dispose();
        base.Dispose();
    }
}
