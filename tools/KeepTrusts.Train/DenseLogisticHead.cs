namespace KeepTrusts.Train;

/// <summary>
/// A logistic regression over dense features (round 9: a sentence embedding, or the stacked pair of two models'
/// margins). Features are standardized with the training rows' mean and deviation; the weighted log-loss plus L2 is
/// minimized by full-batch Adam for a fixed number of steps from zero, single-threaded, so the same rows give the same
/// weights. Row weights: each class keeps half of the total, and benign texts are balanced across sources as the n-gram
/// model's source balance 0.5 does (1/√ source size).
/// </summary>
internal sealed class DenseLogisticHead
{
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _weights;
    private readonly double _bias;

    private DenseLogisticHead(double[] mean, double[] scale, double[] weights, double bias) =>
        (_mean, _scale, _weights, _bias) = (mean, scale, weights, bias);

    public static DenseLogisticHead Train(IReadOnlyList<float[]> rows, IReadOnlyList<bool> attack, IReadOnlyList<string> source, double l2, int steps = 400, double rate = 0.05)
    {
        var n = rows.Count;
        var dims = rows[0].Length;
        var mean = new double[dims];
        var scale = new double[dims];
        foreach (var row in rows)
        {
            for (var d = 0; d < dims; d++)
            {
                mean[d] += row[d];
            }
        }

        for (var d = 0; d < dims; d++)
        {
            mean[d] /= n;
        }

        foreach (var row in rows)
        {
            for (var d = 0; d < dims; d++)
            {
                scale[d] += (row[d] - mean[d]) * (row[d] - mean[d]);
            }
        }

        for (var d = 0; d < dims; d++)
        {
            scale[d] = 1 / Math.Max(Math.Sqrt(scale[d] / n), 1e-9);
        }

        var weight = RowWeights(attack, source);
        var x = rows.Select(r => r.Select((v, d) => (v - mean[d]) * scale[d]).ToArray()).ToArray();
        var w = new double[dims + 1];
        var m = new double[dims + 1];
        var v2 = new double[dims + 1];
        var gradient = new double[dims + 1];
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        for (var step = 1; step <= steps; step++)
        {
            Array.Clear(gradient);
            for (var i = 0; i < n; i++)
            {
                var z = w[dims];
                var xi = x[i];
                for (var d = 0; d < dims; d++)
                {
                    z += w[d] * xi[d];
                }

                var error = weight[i] * (Sigmoid(z) - (attack[i] ? 1 : 0));
                for (var d = 0; d < dims; d++)
                {
                    gradient[d] += error * xi[d];
                }

                gradient[dims] += error;
            }

            for (var d = 0; d <= dims; d++)
            {
                var g = gradient[d] + (d < dims ? l2 * w[d] : 0);
                m[d] = beta1 * m[d] + (1 - beta1) * g;
                v2[d] = beta2 * v2[d] + (1 - beta2) * g * g;
                var mHat = m[d] / (1 - Math.Pow(beta1, step));
                var vHat = v2[d] / (1 - Math.Pow(beta2, step));
                w[d] -= rate * mHat / (Math.Sqrt(vHat) + epsilon);
            }
        }

        return new DenseLogisticHead(mean, scale, w[..dims], w[dims]);
    }

    /// <summary>The logit of <paramref name="row"/>.</summary>
    public double Margin(float[] row)
    {
        var z = _bias;
        for (var d = 0; d < _weights.Length; d++)
        {
            z += _weights[d] * (row[d] - _mean[d]) * _scale[d];
        }

        return z;
    }

    /// <summary>Mean weight 1 per row; each class half the total; benign rows as 1/√(their source's size).</summary>
    private static double[] RowWeights(IReadOnlyList<bool> attack, IReadOnlyList<string> source)
    {
        var n = attack.Count;
        var sizes = Enumerable.Range(0, n).Where(i => !attack[i]).GroupBy(i => source[i]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var raw = Enumerable.Range(0, n).Select(i => attack[i] ? 1.0 : 1 / Math.Sqrt(sizes[source[i]])).ToArray();
        var attackTotal = Enumerable.Range(0, n).Where(i => attack[i]).Sum(i => raw[i]);
        var benignTotal = Enumerable.Range(0, n).Where(i => !attack[i]).Sum(i => raw[i]);
        return raw.Select((r, i) => r * (n / 2.0) / (attack[i] ? attackTotal : benignTotal) / n).ToArray();
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
