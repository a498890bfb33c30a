using KeepTrusts.Engine.Configuration;
using KeepTrusts.Gateway.Cli;

namespace KeepTrusts.Engine.Tests.Host.Cli;

/// <summary>Reaches the kt command line's exposure check with a loaded config.</summary>
internal static class KtCommandLineProbe
{
    public static void WarnIfExposed(string listen, string configPath, TextWriter stderr) =>
        KtCommandLine.WarnIfExposed(listen, PolicyConfigLoader.Load(configPath).Config!, stderr);
}
