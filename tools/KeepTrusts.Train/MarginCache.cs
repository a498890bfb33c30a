using System.Security.Cryptography;
using System.Text;

namespace KeepTrusts.Train;

/// <summary>
/// Out-of-fold n-gram margins kept outside the repository between experiment runs (round 9: comparing several
/// encoders against the same n-gram baseline need not retrain its ten fold models each time). The file is named by
/// the hash of the training data and everything that shapes the margins; a changed input is a new file.
/// </summary>
internal static class MarginCache
{
    public static double[] Load(string directory, string dataPath, string description, Func<double[]> compute)
    {
        var key = Convert.ToHexString(SHA256.HashData([.. SHA256.HashData(File.ReadAllBytes(dataPath)), .. Encoding.UTF8.GetBytes(description)]))[..16].ToLowerInvariant();
        var path = Path.Combine(directory, $"kt-margins-{key}.bin");
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            Console.WriteLine($"margins ({description}) read from {path}");
            return Enumerable.Range(0, bytes.Length / 8).Select(i => BitConverter.ToDouble(bytes, i * 8)).ToArray();
        }

        var margins = compute();
        File.WriteAllBytes(path, margins.SelectMany(BitConverter.GetBytes).ToArray());
        return margins;
    }
}
