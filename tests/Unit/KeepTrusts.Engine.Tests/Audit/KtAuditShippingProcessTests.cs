using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Testing;
using KeepTrusts.Testing.Storage;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// The kt process copying its audit log to Azure Blob (Azure.Storage.Blobs, Azure.Core): with KT_TEST_KT this runs
/// the packaged, trimmed kt (bench/README.md, "Native AOT"; README, "Install"), where the trimmer could drop what the
/// Azure SDK reaches by reflection.
/// </summary>
public sealed class KtAuditShippingProcessTests : IDisposable
{
    private const string Container = "kt-audit";
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-ship-proc-").FullName;

    [RequiresAzuriteFact]
    public async Task Kt_copies_its_audit_file_to_the_day_s_append_blob_byte_for_byte_and_reports_it_ready()
    {
        using var azurite = AzuriteServer.Start();
        var audit = Path.Combine(_directory, "audit");
        var config = Path.Combine(_directory, "policy.yaml");
        File.WriteAllText(config, $$"""
            pack: { name: shipping }
            providers:
              targets:
                - { id: a, provider: echo, model: gpt-4o }
            policies:
              chain: [audit-logger]
            policy:
              audit-logger:
                path: "{{audit}}"
                ship_to_blob: { connection_string_ref: { env: KT_TEST_BLOB }, container: {{Container}}, interval_seconds: 1 }
            """);
        await using var kt = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config],
            new Dictionary<string, string> { ["KT_TEST_BLOB"] = azurite.ConnectionString });
        using var http = new HttpClient { BaseAddress = new Uri(await kt.WaitForListeningAsync(TimeSpan.FromSeconds(60))) };
        for (var i = 0; i < 3; i++)
        {
            using var chat = await http.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"hello {{i}}"}]}""", Encoding.UTF8, "application/json"));
            Assert.True(chat.IsSuccessStatusCode, await chat.Content.ReadAsStringAsync());
        }

        JsonNode? shipping = null;
        for (var i = 0; i < 300 && shipping?["lag_bytes"]?.GetValue<long>() is not 0; i++)
        {
            await Task.Delay(100);
            shipping = JsonNode.Parse(await http.GetStringAsync("/readyz"))!["audit_shipping"];
        }

        kt.Terminate();
        await kt.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("ok", shipping?["status"]?.ToString());
        Assert.Equal(0L, shipping?["lag_bytes"]?.GetValue<long>());
        var file = Assert.Single(AuditChain.Files(audit));
        var blob = new BlobContainerClient(azurite.ConnectionString, Container).GetBlobClient(Path.GetFileName(file)).DownloadContent().Value.Content.ToArray();
        Assert.Equal(File.ReadAllBytes(file), blob);
        Assert.DoesNotContain("AccountKey", kt.StandardOutput + kt.StandardError);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
