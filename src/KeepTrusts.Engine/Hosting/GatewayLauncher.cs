using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// Finds how to run kt: a self-contained build for this platform (gateway/&lt;rid&gt;/kt, no .NET needed) when the
/// module ships one, else the framework-dependent gateway/kt.dll on a 'dotnet' host that has the ASP.NET Core runtime.
/// </summary>
public static class GatewayLauncher
{
    /// <summary>The platforms self-contained kt builds are made for (build.ps1 -Task Package).</summary>
    public static readonly IReadOnlyList<string> SelfContainedRuntimes = ["linux-x64", "linux-arm64", "win-x64", "osx-arm64"];

    public const int MinimumAspNetCoreMajor = 8;

    /// <summary>This machine's runtime identifier in the portable form the builds use (linux-x64, win-x64, ...).</summary>
    public static string CurrentRuntime
    {
        get
        {
            var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            var arch = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                var other => other.ToString().ToLowerInvariant(),
            };
            return $"{os}-{arch}";
        }
    }

    private static string ExecutableName => OperatingSystem.IsWindows() ? "kt.exe" : "kt";

    /// <summary>The kt to run from a module's gateway directory: gateway/&lt;rid&gt;/kt if present, else gateway/kt.dll.</summary>
    public static string Resolve(string gatewayDirectory)
    {
        var selfContained = Path.Combine(gatewayDirectory, CurrentRuntime, ExecutableName);
        return File.Exists(selfContained) ? selfContained : Path.Combine(gatewayDirectory, "kt.dll");
    }

    /// <summary>A start info for <paramref name="ktPath"/> (kt.dll through dotnet, or a self-contained kt directly).</summary>
    public static ProcessStartInfo CreateStartInfo(string ktPath)
    {
        if (!File.Exists(ktPath))
        {
            throw new GatewayStartException(GatewayStartFailure.RuntimeMissing,
                $"The gateway host was not found at '{ktPath}'; rebuild or reinstall the module so its gateway folder holds kt.");
        }

        ProcessStartInfo info;
        if (ktPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            var dotnet = FindDotnetWithAspNetCore() ?? throw new GatewayStartException(GatewayStartFailure.RuntimeMissing, MissingRuntimeMessage());
            info = new ProcessStartInfo(dotnet);
            info.ArgumentList.Add(ktPath);
        }
        else
        {
            EnsureExecutable(ktPath);
            info = new ProcessStartInfo(ktPath);
        }

        // kt logs to its own file; its standard streams are redirected (and drained) so it never holds the caller's
        // console or pipes open — a test runner or a CI step waiting for EOF would otherwise wait for the gateway.
        info.UseShellExecute = false;
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.CreateNoWindow = true;
        info.WorkingDirectory = Path.GetDirectoryName(ktPath)!;
        return info;
    }

    /// <summary>
    /// Gives a self-contained kt its execute bit where the reader has read: a module installed from its package
    /// (Install-PSResource, Save-PSResource) comes out of a zip that keeps no Unix modes, so kt arrives as 0644.
    /// </summary>
    private static void EnsureExecutable(string ktPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(ktPath);
        var wanted = mode | (mode.HasFlag(UnixFileMode.UserRead) ? UnixFileMode.UserExecute : 0)
            | (mode.HasFlag(UnixFileMode.GroupRead) ? UnixFileMode.GroupExecute : 0)
            | (mode.HasFlag(UnixFileMode.OtherRead) ? UnixFileMode.OtherExecute : 0);
        if (wanted == mode)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(ktPath, wanted);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new GatewayStartException(GatewayStartFailure.RuntimeMissing,
                $"The gateway host '{ktPath}' is not executable and its mode cannot be changed by this user ({ex.Message}); run 'chmod +x \"{ktPath}\"' as its owner.");
        }
    }

    /// <summary>What to install, said exactly, when kt.dll cannot run and no self-contained build fits this platform.</summary>
    public static string MissingRuntimeMessage() =>
        string.Create(CultureInfo.InvariantCulture, $"Running the gateway on {CurrentRuntime} needs the ASP.NET Core runtime {MinimumAspNetCoreMajor}.0 or later, which was not found ") +
        "(looked at DOTNET_ROOT, PATH and the default install folders); install it with " +
        (OperatingSystem.IsWindows() ? "'winget install Microsoft.DotNet.AspNetCore.8'"
            : OperatingSystem.IsMacOS() ? "'brew install --cask dotnet' or the installer from https://dotnet.microsoft.com/download/dotnet/8.0"
            : "'sudo apt-get install aspnetcore-runtime-8.0' (Ubuntu/Debian) or 'dotnet-install.sh --runtime aspnetcore --channel 8.0'") +
        (SelfContainedRuntimes.Contains(CurrentRuntime) ? ", or use a module build that includes the self-contained kt for this platform." : ".");

    /// <summary>The 'dotnet' host whose shared folder has Microsoft.AspNetCore.App 8 or later; null when there is none.</summary>
    public static string? FindDotnetWithAspNetCore()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var candidates = new List<string?>();
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name)
        {
            candidates.Add(Path.GetDirectoryName(self));
        }

        candidates.Add(Environment.GetEnvironmentVariable("DOTNET_ROOT"));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator));
        candidates.Add(OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "dotnet")
            : OperatingSystem.IsMacOS() ? "/usr/local/share/dotnet" : "/usr/share/dotnet");
        candidates.Add("/usr/lib/dotnet");
        foreach (var root in candidates.Where(c => !string.IsNullOrEmpty(c)).Select(c => ResolveLinks(Path.Combine(c!, name))))
        {
            if (root is not null && HasAspNetCore(Path.GetDirectoryName(root)!))
            {
                return root;
            }
        }

        return null;
    }

    private static string? ResolveLinks(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // /usr/bin/dotnet is often a link into the real install folder, which is where shared/ lives.
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? path;
    }

    private static bool HasAspNetCore(string dotnetRoot)
    {
        var shared = Path.Combine(dotnetRoot, "shared", "Microsoft.AspNetCore.App");
        return Directory.Exists(shared) && Directory.GetDirectories(shared)
            .Select(Path.GetFileName)
            .Any(v => Version.TryParse(v!.Split('-')[0], out var version) && version.Major >= MinimumAspNetCoreMajor);
    }
}
