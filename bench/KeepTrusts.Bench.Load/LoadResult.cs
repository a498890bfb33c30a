namespace KeepTrusts.Bench.Load;

/// <summary>Latencies (ms) of one run, optional times to first byte (streams), errors and achieved throughput.</summary>
internal sealed record LoadResult(double[] Latencies, double[]? FirstBytes, int Errors, double Rps)
{
    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
