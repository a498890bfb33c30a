using KeepTrusts.Engine.Hosting;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>
/// A fact that needs the self-contained kt for this platform, which `build.ps1 -Task Package` publishes (minutes of
/// work, so not part of every test run): skipped with the command to make it when artifacts/self-contained/&lt;rid&gt;/kt is missing.
/// </summary>
public sealed class RequiresSelfContainedKtFactAttribute : FactAttribute
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "artifacts", "self-contained", GatewayLauncher.CurrentRuntime,
        OperatingSystem.IsWindows() ? "kt.exe" : "kt");

    public RequiresSelfContainedKtFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"No self-contained kt at {Path}; run ./build.ps1 -Task Package -Runtime {GatewayLauncher.CurrentRuntime} to build it.";
        }
    }
}
