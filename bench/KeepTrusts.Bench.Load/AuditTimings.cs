using System.Globalization;
using System.Text.RegularExpressions;

namespace KeepTrusts.Bench.Load;

/// <summary>
/// <c>--audit-timings</c>: the audit writer's histograms from a gateway's /metrics, scraped before and after a row and
/// printed as that row's distribution (bucket upper bounds), so a latency tail can be laid beside the fsync, queue and
/// head-write times of the same seconds.
/// </summary>
internal static partial class AuditTimings
{
    private static readonly string[] Histograms = ["kt_audit_queue_wait_seconds", "kt_audit_write_seconds", "kt_audit_fsync_seconds", "kt_audit_head_write_seconds", "kt_audit_batch_records", "kt_audit_fsync_records"];

    public static async Task<Dictionary<string, SortedDictionary<double, double>>> ScrapeAsync(HttpClient http, string gatewayUrl)
    {
        var text = await http.GetStringAsync(gatewayUrl + "/metrics");
        var result = new Dictionary<string, SortedDictionary<double, double>>();
        foreach (Match m in Bucket().Matches(text))
        {
            var name = m.Groups[1].Value;
            var le = m.Groups[2].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            (result.TryGetValue(name, out var buckets) ? buckets : result[name] = new())[le] = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        }

        return result;
    }

    public static void Print(string row, Dictionary<string, SortedDictionary<double, double>> before, Dictionary<string, SortedDictionary<double, double>> after)
    {
        Console.WriteLine($"audit writer during '{row}' (bucket upper bounds; ms for times):");
        foreach (var name in Histograms)
        {
            if (!after.TryGetValue(name, out var end))
            {
                continue;
            }

            before.TryGetValue(name, out var start);
            var delta = end.Select(b => (Le: b.Key, Count: b.Value - (start?.GetValueOrDefault(b.Key) ?? 0))).ToArray();
            var total = delta[^1].Count;
            if (total <= 0)
            {
                Console.WriteLine($"  {name}: none");
                continue;
            }

            var seconds = name.EndsWith("_seconds", StringComparison.Ordinal);
            string At(double q) => Format(delta.First(b => b.Count >= q * total).Le, seconds);
            var over10 = seconds ? total - delta.Where(b => b.Le <= 0.01).Select(b => b.Count).DefaultIfEmpty(0).Max() : 0;
            var highest = delta.First(b => b.Count >= total).Le;
            Console.WriteLine($"  {name}: n={total:0} p50<={At(0.5)} p90<={At(0.9)} p99<={At(0.99)} max<={Format(highest, seconds)}{(seconds ? $" over-10ms={over10:0}" : string.Empty)}");
        }
    }

    private static string Format(double le, bool seconds) => double.IsPositiveInfinity(le) ? "inf" : seconds ? (le * 1000).ToString("0.###", CultureInfo.InvariantCulture) : le.ToString("0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(kt_audit_\w+)_bucket\{le=""([^""]+)""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Bucket();
}
