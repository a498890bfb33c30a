using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.Fleet;

/// <summary>
/// Test-KtPrivateEndpoint over whole subscriptions: finds every Cognitive Services account (Resource Graph), then
/// runs the checklist for each with at most ThrottleLimit at once, all through one read cache so the resources the
/// accounts share (zones, links, the hub VNet, NSGs) are read once. Each account's report is handed to
/// <c>onReport</c> as soon as it is done (from any thread); progress reports count accounts.
/// </summary>
public sealed class PrivateEndpointFleet
{
    private readonly IOperationReporter _reporter;

    public PrivateEndpointFleet(IOperationReporter? reporter = null)
    {
        _reporter = reporter ?? NullOperationReporter.Instance;
    }

    public async Task<IReadOnlyList<FleetAccountReport>> RunAsync(FleetRequest request, Action<FleetAccountReport> onReport, CancellationToken cancellationToken)
    {
        if (request.ThrottleLimit is < 1 or > 64)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"-ThrottleLimit {request.ThrottleLimit} is outside 1-64."));
        }

        if (request.SubscriptionIds.Count == 0)
        {
            throw new ArgumentException("-SubscriptionId needs at least one subscription id.");
        }

        var arm = new ArmResources(request.Arm, _reporter);
        _reporter.Progress(0, string.Create(CultureInfo.InvariantCulture, $"Finding Cognitive Services accounts in {request.SubscriptionIds.Count} subscription(s) (Resource Graph)"));
        var accounts = await AccountDiscovery.FindAsync(arm, request, cancellationToken).ConfigureAwait(false);
        _reporter.Verbose(string.Create(CultureInfo.InvariantCulture, $"Resource Graph found {accounts.Count} account(s)."));

        var cache = new CachedArmReader(arm);
        var quiet = new VerboseOnlyReporter(_reporter);
        var reports = new FleetAccountReport[accounts.Count];
        var done = 0;
        var broken = 0;
        _reporter.Progress(accounts.Count == 0 ? 100 : 1, string.Create(CultureInfo.InvariantCulture, $"0/{accounts.Count} accounts checked"));
        await Parallel.ForEachAsync(
            Enumerable.Range(0, accounts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = request.ThrottleLimit, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var report = await CheckAsync(accounts[index], request, cache, quiet, token).ConfigureAwait(false);
                reports[index] = report;
                var finished = Interlocked.Increment(ref done);
                if (report.Report is null || !report.Report.Summary.Healthy)
                {
                    Interlocked.Increment(ref broken);
                }

                onReport(report);
                _reporter.Progress(finished * 100 / accounts.Count, string.Create(CultureInfo.InvariantCulture, $"{finished}/{accounts.Count} accounts checked, {Volatile.Read(ref broken)} not healthy"));
            }).ConfigureAwait(false);

        return reports;
    }

    private static async Task<FleetAccountReport> CheckAsync(
        FleetAccount account, FleetRequest request, IArmReader cache, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (account.Endpoint is null)
        {
            return new FleetAccountReport(account, null, "The account has no endpoint and no custom subdomain, so there is no name to resolve.");
        }

        try
        {
            var report = await new PrivateEndpointDiagnostics(reporter).RunAsync(new PrivateEndpointDiagnosticRequest
            {
                Endpoint = account.Endpoint,
                AccountResourceId = account.AccountId,
                VirtualNetworkIds = request.VirtualNetworkIds,
                DnsServer = request.DnsServer,
                Port = request.Port,
                Arm = request.Arm,
                ArmReader = cache,
                DnsTimeout = request.DnsTimeout,
                TlsTimeout = request.TlsTimeout,
            }, cancellationToken).ConfigureAwait(false);
            return new FleetAccountReport(account, report, null);
        }
        catch (ArgumentException ex)
        {
            return new FleetAccountReport(account, null, ex.Message);
        }
    }

    /// <summary>Per-account progress would fight over one bar: only the fleet's counts are shown; verbose lines pass through.</summary>
    private sealed class VerboseOnlyReporter(IOperationReporter inner) : IOperationReporter
    {
        public void Verbose(string message) => inner.Verbose(message);

        public void Progress(int percentComplete, string status)
        {
        }
    }
}
