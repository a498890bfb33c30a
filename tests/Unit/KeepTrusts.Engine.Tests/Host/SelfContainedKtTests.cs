using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Hosting;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>The self-contained kt from build.ps1 -Task Package, run as on a machine without .NET.</summary>
public sealed class SelfContainedKtTests
{
    [RequiresSelfContainedKtFact]
    public async Task Self_contained_kt_serves_with_no_dotnet_runtime_to_be_found()
    {
        var state = Path.Combine(Path.GetTempPath(), "kt-state-" + Guid.NewGuid().ToString("N"));
        var nowhere = Directory.CreateTempSubdirectory("kt-no-dotnet-").FullName;
        var instance = await GatewayProcesses.StartAsync(new GatewayStartOptions
        {
            KtPath = RequiresSelfContainedKtFactAttribute.Path,
            PolicyConfig = QuickstartConfig.Isolated(),
            Listen = "127.0.0.1:0",
            StateDirectory = state,
            // No runtime anywhere it could look: DOTNET_ROOT is an empty folder and PATH holds only that folder.
            Environment = new Dictionary<string, string>
            {
                ["DOTNET_ROOT"] = nowhere,
                ["DOTNET_ROOT_X64"] = nowhere,
                ["DOTNET_ROOT_ARM64"] = nowhere,
                ["PATH"] = nowhere,
            },
        }, null, CancellationToken.None);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(instance.Url) };
            using var response = await http.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = "gpt-4o",
                messages = new[] { new { role = "user", content = "mail jane@contoso.com" } },
            });
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("mail [REDACTED:EMAIL]", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
            Assert.Empty(Directory.GetFileSystemEntries(nowhere));
        }
        finally
        {
            await GatewayProcesses.StopAsync(instance, TimeSpan.FromSeconds(20), state);
        }
    }

    [Fact]
    public void The_launcher_prefers_a_self_contained_kt_for_this_platform_over_kt_dll()
    {
        var gateway = Directory.CreateTempSubdirectory("kt-gateway-").FullName;
        File.WriteAllText(Path.Combine(gateway, "kt.dll"), string.Empty);
        Assert.Equal(Path.Combine(gateway, "kt.dll"), GatewayLauncher.Resolve(gateway));

        var platform = Directory.CreateDirectory(Path.Combine(gateway, GatewayLauncher.CurrentRuntime)).FullName;
        var selfContained = Path.Combine(platform, OperatingSystem.IsWindows() ? "kt.exe" : "kt");
        File.WriteAllText(selfContained, string.Empty);

        Assert.Equal(selfContained, GatewayLauncher.Resolve(gateway));
    }

    [Fact]
    public void A_self_contained_kt_unpacked_without_its_execute_bit_gets_it_before_it_starts()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var platform = Directory.CreateTempSubdirectory("kt-gateway-").FullName;
        var selfContained = Path.Combine(platform, "kt");
        File.WriteAllText(selfContained, string.Empty);
        File.SetUnixFileMode(selfContained, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var info = GatewayLauncher.CreateStartInfo(selfContained);

        Assert.Equal(selfContained, info.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(selfContained));
        Directory.Delete(platform, recursive: true);
    }

    [Fact]
    public void Without_a_runtime_the_message_names_what_to_install()
    {
        var message = GatewayLauncher.MissingRuntimeMessage();

        Assert.Contains("ASP.NET Core runtime 8.0 or later", message);
        Assert.Contains(GatewayLauncher.CurrentRuntime, message);
        Assert.Matches(OperatingSystem.IsWindows() ? "winget install" : OperatingSystem.IsMacOS() ? "brew install" : "apt-get install aspnetcore-runtime-8.0", message);
    }
}
