using System.Globalization;
using System.Text;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// Each kt row as a multiple of the nginx floor measured in the same run under the same load: added latency, CPU per
/// request, peak memory, and (at a fixed concurrency) throughput.
/// </summary>
internal static class FloorComparison
{
    public static string Table(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("kt against the nginx floor (same run, same load; ratio = kt / nginx):");
        text.AppendLine();
        text.AppendLine("| load | target | added p50 ms (nginx) | added p99 ms (nginx) | CPU µs/request (nginx, ratio) | row peak MB (nginx, ratio) | req/s as % of nginx |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows.Where(r => r.Target != "direct" && r.Target != NginxFloor.RowName))
        {
            var direct = rows.FirstOrDefault(r => r.Load == row.Load && r.Target == "direct");
            var floor = rows.FirstOrDefault(r => r.Load == row.Load && r.Target == NginxFloor.RowName);
            if (direct is null || floor is null)
            {
                continue;
            }

            var closedLoop = !row.Load.Contains("fixed rate", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"| {row.Load} | {row.Target} | ");
            text.Append(CultureInfo.InvariantCulture, $"{row.P50 - direct.P50:+0.000;-0.000} ({floor.P50 - direct.P50:+0.000;-0.000}) | ");
            text.Append(CultureInfo.InvariantCulture, $"{row.P99 - direct.P99:+0.000;-0.000} ({floor.P99 - direct.P99:+0.000;-0.000}) | ");
            text.Append(Ratio(row.CpuMicrosPerRequest, floor.CpuMicrosPerRequest, "0"));
            text.Append(Ratio(row.PeakMb, floor.PeakMb, "0"));
            text.AppendLine(closedLoop ? string.Create(CultureInfo.InvariantCulture, $"{row.Rps / floor.Rps * 100:0} % |") : "— |");
        }

        return text.ToString();
    }

    private static string Ratio(double? mine, double? floor, string format) =>
        mine is { } m && floor is { } f && f > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{m.ToString(format, CultureInfo.InvariantCulture)} ({f.ToString(format, CultureInfo.InvariantCulture)}, ×{m / f:0.0}) | ")
            : "— | ";
}
