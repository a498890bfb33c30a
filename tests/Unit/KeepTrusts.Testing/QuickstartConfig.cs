namespace KeepTrusts.Testing;

/// <summary>
/// The quickstart example with its own audit directory. The example's audit path is one directory, and the audit log
/// admits one writer at a time, so tests that start gateways or chat in-process (in parallel, across test projects)
/// each take a copy instead of sharing it.
/// </summary>
public static class QuickstartConfig
{
    public static string Isolated()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "kt-quickstart-" + Guid.NewGuid().ToString("N")));
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Examples, "quickstart-echo.yaml"))
            .Replace("path: ../out/quickstart/audit", "path: ./audit", StringComparison.Ordinal);
        if (!yaml.Contains("path: ./audit", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("quickstart-echo.yaml no longer has its audit path at ../out/quickstart/audit; update QuickstartConfig.");
        }

        var path = Path.Combine(directory.FullName, "quickstart-echo.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
