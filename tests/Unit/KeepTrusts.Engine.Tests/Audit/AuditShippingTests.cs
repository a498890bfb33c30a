using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Gateway.Server;
using KeepTrusts.Testing.Storage;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>The audit copy in Azure append blobs, against a real Azurite: exact, resumable, and never at the local log's expense.</summary>
public sealed class AuditShippingTests(AuditShippingTests.AzuriteFixture azurite) : IClassFixture<AuditShippingTests.AzuriteFixture>, IDisposable
{
    // One container per test on one Azurite for the class (it takes seconds to start).
    private readonly string Container = "audit-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-ship-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<AzuriteServer> _azurite = azurite.Server;

    /// <summary>
    /// Starts Azurite in the background as soon as the class is set up (it takes seconds), so the start overlaps the
    /// tests that do not need it; nothing is started when Azurite tests are skipped here.
    /// </summary>
    public sealed class AzuriteFixture : IDisposable
    {
        private readonly Task<AzuriteServer>? _starting = AzuriteServer.SkipReason is null && AzuriteServer.BinaryPath is not null ? Task.Run(AzuriteServer.Start) : null;

        public AzuriteFixture() => Server = new Lazy<AzuriteServer>(() => (_starting ?? Task.Run(AzuriteServer.Start)).GetAwaiter().GetResult());

        public Lazy<AzuriteServer> Server { get; }

        public void Dispose()
        {
            if (_starting is { IsCompletedSuccessfully: true })
            {
                _starting.Result.Dispose();
            }
            else if (Server.IsValueCreated)
            {
                Server.Value.Dispose();
            }
        }
    }

    private static AuditRecord Record(int i) => new() { RequestId = $"req-{i}", Model = "gpt-4o", Target = "a", Status = 200 };

    private AuditLoggerOptions Shipping() => new()
    {
        ShipToBlob = new AuditBlobShippingOptions { ConnectionStringRef = new SecretKeyRef { Env = "KT_TEST_BLOB" }, Container = Container, IntervalSeconds = 1 },
    };

    private AuditLogWriter Writer(string connectionString) =>
        new(Shipping(), _directory, readEnvironment: name => name == "KT_TEST_BLOB" ? connectionString : null);

    /// <summary>A connection string to a loopback port nothing listens on: storage is down.</summary>
    private static string Unreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    private static async Task WriteAsync(AuditLogWriter writer, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            await writer.WriteAsync(Record(i));
        }
    }

    private byte[] Blob(string file) =>
        new BlobContainerClient(_azurite.Value.ConnectionString, Container).GetBlobClient(Path.GetFileName(file)).DownloadContent().Value.Content.ToArray();

    private static async Task<AuditShippingStatus> WaitUntilAsync(AuditBlobShipper shipper, Func<AuditShippingStatus, bool> done)
    {
        for (var i = 0; i < 200 && !done(shipper.Status); i++)
        {
            await Task.Delay(50);
        }

        return shipper.Status;
    }

    [RequiresAzuriteFact]
    public async Task Records_reach_the_day_s_append_blob_byte_for_byte_while_the_gateway_runs()
    {
        await using var writer = Writer(_azurite.Value.ConnectionString);
        await WriteAsync(writer, 1, 25);

        var status = await WaitUntilAsync(writer.Shipper!, s => s.LagBytes == 0);

        Assert.Equal(0, status.LagBytes);
        Assert.False(status.Degraded);
        var file = Assert.Single(AuditChain.Files(_directory));
        Assert.Equal(File.ReadAllBytes(file), Blob(file));
    }

    [RequiresAzuriteFact]
    public async Task Storage_down_loses_no_local_record_shows_degraded_and_the_copy_catches_up_from_the_saved_position()
    {
        await using (var writer = Writer(_azurite.Value.ConnectionString))
        {
            await WriteAsync(writer, 1, 10);
        }

        await using (var writer = Writer(Unreachable()))
        {
            await WriteAsync(writer, 11, 20);   // every write completes: shipping is off the request path
            var status = await WaitUntilAsync(writer.Shipper!, s => s.Failures > 0);

            Assert.True(status.Degraded);
            Assert.True(status.LagBytes > 0);
            Assert.NotNull(status.LastError);
            Assert.DoesNotContain("AccountKey", status.LastError);
        }

        var verification = AuditLogVerifier.Verify(_directory);
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(20, verification.RecordCount);
        var position = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, AuditBlobShipper.PositionFile))).RootElement;
        Assert.True(position.GetProperty("offset").GetInt64() > 0);

        await using (var writer = Writer(_azurite.Value.ConnectionString))
        {
            await WriteAsync(writer, 21, 22);
            Assert.Equal(0, (await WaitUntilAsync(writer.Shipper!, s => s.LagBytes == 0)).LagBytes);
        }

        var file = Assert.Single(AuditChain.Files(_directory));
        Assert.Equal(File.ReadAllBytes(file), Blob(file));   // 22 records, none twice
    }

    [RequiresAzuriteFact]
    public async Task Storage_that_comes_up_after_the_gateway_gets_the_container_the_blob_and_every_record_once_in_order()
    {
        using var late = new LateStorageEndpoint(_azurite.Value.Port);
        await using var writer = Writer(late.ConnectionString(_azurite.Value));
        await WriteAsync(writer, 1, 5);
        var down = await WaitUntilAsync(writer.Shipper!, s => s.Failures > 0);
        Assert.True(down.Degraded);
        Assert.DoesNotContain("AccountKey", down.LastError);

        late.Open();   // storage is up now; the shipper's first create attempts all failed
        await WriteAsync(writer, 6, 10);
        var status = writer.Shipper!.Status;
        for (var i = 0; i < 600 && (status.Degraded || status.LagBytes > 0); i++)   // a failing shipper retries every 5 intervals
        {
            await Task.Delay(50);
            status = writer.Shipper.Status;
        }

        Assert.False(status.Degraded, status.LastError);
        Assert.Equal(0, status.LagBytes);
        var file = Assert.Single(AuditChain.Files(_directory));
        var blob = Blob(file);
        Assert.Equal(File.ReadAllBytes(file), blob);   // nothing lost, nothing twice
        var ids = System.Text.Encoding.UTF8.GetString(blob).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("request_id").GetString());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"req-{i}"), ids);
        var verification = AuditLogVerifier.Verify(_directory);
        Assert.True(verification.IsValid, verification.Reason);
    }

    [RequiresAzuriteFact]
    public async Task A_container_deleted_while_the_gateway_runs_is_reported_as_changed_and_not_recreated_from_zero()
    {
        await using var writer = Writer(_azurite.Value.ConnectionString);
        await WriteAsync(writer, 1, 5);
        Assert.Equal(0, (await WaitUntilAsync(writer.Shipper!, s => s.LagBytes == 0)).LagBytes);

        var container = new BlobContainerClient(_azurite.Value.ConnectionString, Container);
        await container.DeleteAsync();   // someone removes the copy while the shipper still runs
        await WriteAsync(writer, 6, 8);
        var status = await WaitUntilAsync(writer.Shipper!, s => s.Failures > 0);

        Assert.True(status.Degraded);
        Assert.True(status.LagBytes > 0);
        Assert.Contains("changed by something else", status.LastError);   // the tamper signal, not a bare 404
        Assert.False((await container.ExistsAsync()).Value);   // not silently recreated holding records 6-8 only
    }

    [RequiresAzuriteFact]
    public async Task An_identity_that_cannot_create_containers_appends_to_a_container_an_admin_created()
    {
        var admin = new BlobContainerClient(_azurite.Value.ConnectionString, Container);
        await admin.CreateAsync();
        // A container SAS may create and append blobs but never create a container.
        var sas = admin.GenerateSasUri(BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Add | BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var blobsOnly = $"BlobEndpoint=http://127.0.0.1:{_azurite.Value.Port}/devstoreaccount1;SharedAccessSignature={sas.Query.TrimStart('?')}";
        await using var writer = Writer(blobsOnly);
        await WriteAsync(writer, 1, 5);

        var status = await WaitUntilAsync(writer.Shipper!, s => s.LagBytes == 0 || s.Failures > 0);

        Assert.False(status.Degraded, status.LastError);
        Assert.Equal(0, status.LagBytes);
        var file = Assert.Single(AuditChain.Files(_directory));
        Assert.Equal(File.ReadAllBytes(file), Blob(file));
    }

    [RequiresAzuriteFact]
    public async Task An_append_whose_position_was_not_saved_is_not_repeated()
    {
        await using (var writer = Writer(_azurite.Value.ConnectionString))
        {
            await WriteAsync(writer, 1, 5);
        }

        // As if the process died after the append but before saving its position.
        File.Delete(Path.Combine(_directory, AuditBlobShipper.PositionFile));
        await using (var writer = Writer(_azurite.Value.ConnectionString))
        {
            await WriteAsync(writer, 6, 8);
        }

        var file = Assert.Single(AuditChain.Files(_directory));
        Assert.Equal(File.ReadAllBytes(file), Blob(file));
    }

    [Fact]
    public async Task Readyz_and_metrics_show_a_failing_copy_as_degraded_while_requests_are_served()
    {
        var config = PolicyConfigLoader.LoadText("""
            pack: { name: ship }
            policies: { chain: [audit-logger] }
            providers: { targets: [ { id: echo, provider: echo, model: echo } ] }
            """, "ship.yaml", _ => true).Config!;
        await using var writer = Writer(Unreachable());
        await using var app = GatewayServer.Build(new GatewayServerOptions { Config = config, Listen = "127.0.0.1:0", Audit = writer, Quiet = true });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(GatewayServer.BoundAddress(app)) };
        using var chat = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"echo","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        await WaitUntilAsync(writer.Shipper!, s => s.Failures > 0);

        using var ready = await http.GetAsync("/readyz");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        var metrics = await http.GetStringAsync("/metrics");
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("degraded", body.GetProperty("audit_shipping").GetProperty("status").GetString());
        Assert.True(body.GetProperty("audit_shipping").GetProperty("lag_bytes").GetInt64() > 0);
        Assert.Matches(@"kt_audit_ship_failures_total [1-9]", metrics);
        Assert.Contains("kt_audit_ship_degraded 1", metrics);
    }

    [Fact]
    public void Shipping_config_needs_exactly_one_way_to_sign_in()
    {
        PolicyConfigLoadResult Load(string ship) => PolicyConfigLoader.LoadText($$"""
            pack: { name: t }
            policies: { chain: [audit-logger] }
            policy:
              audit-logger:
                ship_to_blob: { {{ship}} }
            providers: { targets: [ { id: echo, provider: echo, model: echo } ] }
            """, "t.yaml", _ => true);

        Assert.True(Load("container_url: https://acct.blob.core.windows.net/audit").IsValid);
        Assert.True(Load("connection_string_ref: { env: KT_BLOB }, container: audit").IsValid);
        Assert.Contains(Load("container: audit").Errors, e => e.Message.Contains("exactly one", StringComparison.Ordinal));
        Assert.Contains(Load("container_url: https://acct.blob.core.windows.net/audit, connection_string_ref: { env: KT_BLOB }").Errors, e => e.Code == DiagnosticCodes.InvalidValue);
        Assert.Contains(Load("connection_string_ref: { env: KT_BLOB }").Errors, e => e.Code == DiagnosticCodes.MissingField);
        var sas = Load("container_url: \"https://acct.blob.core.windows.net/audit?sv=2024&sig=c2VjcmV0c2lnbmF0dXJlMTIzNDU2Nzg5MA\"");
        Assert.Contains(sas.Errors, e => e.Code == DiagnosticCodes.InvalidUrl && e.Location.Line == 5);
        Assert.DoesNotContain("sig=", string.Join("\n", sas.Diagnostics));
    }

    [Fact]
    public void A_connection_string_variable_that_is_not_set_refuses_to_start_and_frees_the_directory()
    {
        var refused = Assert.Throws<AuditStartRefusedException>(() => new AuditLogWriter(Shipping(), _directory, readEnvironment: _ => null));

        Assert.Contains("KT_TEST_BLOB", refused.Message);
        using var next = AuditDirectoryLock.Acquire(_directory);   // the failed start released its lock
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
