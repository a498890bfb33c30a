namespace KeepTrusts.Testing;

/// <summary>Finds the repository root (where KeepTrusts.sln is) from a test's working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KeepTrusts.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("KeepTrusts.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    public static string Examples => Path.Combine(Root, "examples");

    public static string ModuleManifest => Path.Combine(Root, "out", "KeepTrusts", "KeepTrusts.psd1");
}
