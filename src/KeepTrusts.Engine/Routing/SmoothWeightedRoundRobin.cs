namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Nginx's smooth weighted round robin: over any run of picks each index gets its share of the total weight,
/// spread out rather than in bursts. Indexes the filter rejects are skipped for that pick.
/// </summary>
public sealed class SmoothWeightedRoundRobin(double[] weights)
{
    private readonly double[] _current = new double[weights.Length];
    private readonly object _gate = new();

    /// <returns>The chosen index, or -1 when the filter rejects every index with a positive weight.</returns>
    public int Next(Func<int, bool> eligible)
    {
        lock (_gate)
        {
            var best = -1;
            var total = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                if (weights[i] <= 0 || !eligible(i))
                {
                    continue;
                }

                _current[i] += weights[i];
                total += weights[i];
                if (best < 0 || _current[i] > _current[best])
                {
                    best = i;
                }
            }

            if (best >= 0)
            {
                _current[best] -= total;
            }

            return best;
        }
    }
}
