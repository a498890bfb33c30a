using System.Globalization;
using System.Text;

namespace KeepTrusts.Bench.Load;

/// <summary>One line of the results table.</summary>
internal sealed record ResultRow(string Load, string Target, double Rps, double P50, double P90, double P99, double? Ttfb50, double? Ttfb99, double? CpuPercent, double? PeakMb, int Errors, int Requests, double? AllocKbPerRequest = null, double? VoluntaryPerRequest = null, double? SwitchesPerRequest = null)
{
    public static ResultRow From(string load, string target, LoadResult result, IMeasuredTarget? gateway, CpuSample? cpuBefore) => new(
        load, target, result.Rps,
        LoadResult.Percentile(result.Latencies, 50), LoadResult.Percentile(result.Latencies, 90), LoadResult.Percentile(result.Latencies, 99),
        result.FirstBytes is { } f ? LoadResult.Percentile(f, 50) : null,
        result.FirstBytes is { } g ? LoadResult.Percentile(g, 99) : null,
        gateway is not null && cpuBefore is not null ? gateway.CpuPercentSince(cpuBefore) : null,
        gateway?.PeakMemoryMb(),
        result.Errors, result.Latencies.Length,
        gateway?.AllocatedBytes() is { } after && cpuBefore?.AllocatedBytes is { } before && result.Latencies.Length > 0
            ? (after - before) / 1024.0 / result.Latencies.Length
            : null,
        SwitchesPer(gateway, cpuBefore, result, all: false),
        SwitchesPer(gateway, cpuBefore, result, all: true));

    private static double? SwitchesPer(IMeasuredTarget? gateway, CpuSample? before, LoadResult result, bool all)
    {
        if (gateway is null || before?.Switches is not { } start || result.Latencies.Length == 0)
        {
            return null;
        }

        var now = gateway.Switches();
        return (all ? now.All - start.All : now.Voluntary - start.Voluntary) / (double)result.Latencies.Length;
    }

    /// <summary>Process CPU time per answered request: percent of one core over requests per second.</summary>
    public double? CpuMicrosPerRequest => CpuPercent is { } cpu && Rps > 0 ? cpu / 100 * 1_000_000 / Rps : null;

    public static string Table(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| load | target | req/s | p50 ms | p90 ms | p99 ms | added p50 ms | added p99 ms | TTFB p50 / p99 ms | added TTFB p50 ms | gateway CPU % | CPU µs/req | row peak MB | alloc KB/req | switches/req vol / all | errors / requests |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var direct = rows.First(r => r.Load == row.Load && r.Target == "direct");
            var isDirect = ReferenceEquals(direct, row);
            text.Append(CultureInfo.InvariantCulture, $"| {row.Load} | {row.Target} | {row.Rps:0} | {row.P50:0.000} | {row.P90:0.000} | {row.P99:0.000} | ");
            text.Append(isDirect ? "— | — | " : string.Create(CultureInfo.InvariantCulture, $"{row.P50 - direct.P50:+0.000;-0.000} | {row.P99 - direct.P99:+0.000;-0.000} | "));
            text.Append(row.Ttfb50 is { } t50 ? string.Create(CultureInfo.InvariantCulture, $"{t50:0.000} / {row.Ttfb99:0.000} | ") : "— | ");
            text.Append(!isDirect && row.Ttfb50 is { } mine && direct.Ttfb50 is { } theirs ? string.Create(CultureInfo.InvariantCulture, $"{mine - theirs:+0.000;-0.000} | ") : "— | ");
            text.Append(row.CpuPercent is { } cpu ? string.Create(CultureInfo.InvariantCulture, $"{cpu:0} | ") : "— | ");
            text.Append(row.CpuMicrosPerRequest is { } micros ? string.Create(CultureInfo.InvariantCulture, $"{micros:0} | ") : "— | ");
            text.Append(row.PeakMb is { } mb ? string.Create(CultureInfo.InvariantCulture, $"{mb:0} | ") : "— | ");
            text.Append(row.AllocKbPerRequest is { } kb ? string.Create(CultureInfo.InvariantCulture, $"{kb:0.0} | ") : "— | ");
            text.Append(row.VoluntaryPerRequest is { } vol ? string.Create(CultureInfo.InvariantCulture, $"{vol:0.00} / {row.SwitchesPerRequest:0.00} | ") : "— | ");
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Errors} / {row.Requests} |");
        }

        return text.ToString();
    }
}
