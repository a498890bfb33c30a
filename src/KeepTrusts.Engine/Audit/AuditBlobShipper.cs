using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using global::Azure;
using global::Azure.Identity;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Copies the audit files, byte for byte, to one Azure append blob per day, off the request path. It reads the durable
/// local files (never an in-memory copy), so a shipping failure cannot lose a record: the files keep it and the shipper
/// resumes from its persisted position (<c>audit-ship.json</c>). Every append is conditional on the blob's current length
/// (append position), so an append that succeeded just before a crash is recognised on restart instead of repeated.
/// The writer wakes it after each batch through a one-slot queue; appends are spaced by interval_seconds because an
/// append blob takes at most 50,000 blocks.
/// </summary>
public sealed class AuditBlobShipper : IAsyncDisposable
{
    public const string PositionFile = "audit-ship.json";

    /// <summary>The largest block an append takes on every service version Azurite and Azure accept.</summary>
    private const int MaxAppendBytes = 4 * 1024 * 1024;

    private readonly BlobContainerClient _container;
    private readonly string _directory;
    private readonly string _prefix;
    private readonly TimeSpan _interval;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _shipping = new(1, 1);
    private readonly Task _loop;
    private (string File, long Offset)? _position;
    private long _failures;
    private volatile bool _failing;
    private volatile string? _lastError;
    private DateTimeOffset? _lastShipped;
    private int _disposed;

    private AuditBlobShipper(BlobContainerClient container, string directory, string prefix, TimeSpan interval)
    {
        _container = container;
        _directory = directory;
        _prefix = prefix;
        _interval = interval;
        _position = ReadPosition(directory);
        _wake.Writer.TryWrite(true);   // ship whatever is already behind
        _loop = Task.Run(LoopAsync);
    }

    /// <exception cref="AuditStartRefusedException">The connection string variable is not set or not a connection string.</exception>
    public static AuditBlobShipper Create(AuditBlobShippingOptions options, string directory, Func<string, string?> readEnvironment)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(500);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        BlobContainerClient container;
        if (options.ConnectionStringRef is { } secret)
        {
            var connectionString = readEnvironment(secret.Env);
            if (string.IsNullOrEmpty(connectionString))
            {
                throw new AuditStartRefusedException($"policy.audit-logger.ship_to_blob.connection_string_ref.env names {secret.Env}, which is not set: set it to the storage account's connection string, or use container_url with Entra ID");
            }

            try
            {
                container = new BlobContainerClient(connectionString, options.Container, clientOptions);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new AuditStartRefusedException($"{secret.Env} does not hold a valid storage connection string ({ex.GetType().Name}); copy it from the storage account's Access keys page");
            }
        }
        else
        {
            container = new BlobContainerClient(new Uri(options.ContainerUrl!), new DefaultAzureCredential(), clientOptions);
        }

        return new AuditBlobShipper(container, directory, options.BlobPrefix, TimeSpan.FromSeconds(options.IntervalSeconds));
    }

    /// <summary>Called by the writer after a batch reached the file; never blocks (a pending wake-up covers it).</summary>
    public void Notify() => _wake.Writer.TryWrite(true);

    public AuditShippingStatus Status => new(_failing, LagBytes(), Interlocked.Read(ref _failures), _lastError, _lastShipped);

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                // New records wake it; while failing it also retries on its own.
                var woken = _wake.Reader.WaitToReadAsync(token).AsTask();
                await Task.WhenAny(woken, Task.Delay(_failing ? _interval * 5 : TimeSpan.FromSeconds(30), token)).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                _wake.Reader.TryRead(out _);
                await ShipPendingAsync(token).ConfigureAwait(false);
                await Task.Delay(_interval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Appends every complete line not yet in the blobs; false (and the failure recorded) when an append failed.</summary>
    public async Task<bool> ShipPendingAsync(CancellationToken cancellationToken)
    {
        await _shipping.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var file in PendingFiles())
            {
                var name = Path.GetFileName(file);
                var offset = _position is { } p && p.File == name ? p.Offset : 0;
                while (ReadComplete(file, offset) is { Length: > 0 } chunk)
                {
                    offset = await AppendAsync(name, offset, chunk, cancellationToken).ConfigureAwait(false);
                    _position = (name, offset);
                    WritePosition();
                }

                _position = (name, offset);
            }

            _failing = false;
            _lastShipped = DateTimeOffset.UtcNow;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            _lastError = Describe(ex);
            _failing = true;
            return false;
        }
        finally
        {
            _shipping.Release();
        }
    }

    /// <summary>
    /// Appends at <paramref name="offset"/>; returns the blob's new length. The append comes first and the container or
    /// blob is created only when storage says it is missing, so an identity that may append but not create containers
    /// works, and a container or blob deleted while the gateway runs is noticed on the next append, not remembered away.
    /// </summary>
    private async Task<long> AppendAsync(string name, long offset, byte[] chunk, CancellationToken cancellationToken)
    {
        var blob = _container.GetAppendBlobClient(_prefix + name);
        try
        {
            return await AppendAtAsync(blob, name, offset, chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && (ex.ErrorCode == BlobErrorCode.ContainerNotFound || ex.ErrorCode == BlobErrorCode.BlobNotFound))
        {
            if (offset > 0)
            {
                // Records were already shipped to it: recreating it from zero would hide the deletion.
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the blob {_prefix + name} is gone ({ex.ErrorCode}) where the shipper expected {offset} bytes: it was changed by something else"));
            }

            if (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await AppendAtAsync(blob, name, offset, chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<long> AppendAtAsync(AppendBlobClient blob, string name, long offset, byte[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new MemoryStream(chunk, writable: false);
            await blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions { Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = offset } }, cancellationToken)
                .ConfigureAwait(false);
            return offset + chunk.Length;
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.AppendPositionConditionNotMet)
        {
            // The blob is longer than the saved position: an append went through but the position was not saved
            // (a crash in between). The blob's length is where the copy really stands.
            var length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ContentLength;
            if (length > offset && length <= new FileInfo(Path.Combine(_directory, name)).Length)
            {
                return length;
            }

            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the blob {_prefix + name} holds {length} bytes where the shipper expected {offset}: it was changed by something else"));
        }
    }

    /// <summary>Files from the saved position on (a file removed by retention before it was shipped is skipped).</summary>
    private IEnumerable<string> PendingFiles()
    {
        var files = AuditChain.Files(_directory);
        var from = _position is { } p ? AuditChain.DateOf(p.File) : null;
        return from is null ? files : files.Where(f => AuditChain.DateOf(f) >= from);
    }

    /// <summary>Bytes after <paramref name="offset"/> up to the last complete line (or a full block of a longer one).</summary>
    private static byte[] ReadComplete(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var available = stream.Length - offset;
        if (available <= 0)
        {
            return [];
        }

        var buffer = new byte[Math.Min(available, MaxAppendBytes)];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        if (buffer.Length == MaxAppendBytes)
        {
            return buffer;
        }

        var end = Array.LastIndexOf(buffer, (byte)'\n') + 1;
        return end == buffer.Length ? buffer : buffer[..end];
    }

    private long LagBytes()
    {
        long lag = 0;
        try
        {
            foreach (var file in PendingFiles())
            {
                var shipped = _position is { } p && p.File == Path.GetFileName(file) ? p.Offset : 0;
                lag += Math.Max(0, new FileInfo(file).Length - shipped);
            }
        }
        catch (IOException)
        {
            // A file rolled away while counting: the next scrape counts again.
        }

        return lag;
    }

    private static (string File, long Offset)? ReadPosition(string directory)
    {
        var path = Path.Combine(directory, PositionFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            return (json["file"]!.GetValue<string>(), json["offset"]!.GetValue<long>());
        }
        catch (Exception ex) when (ex is JsonException or NullReferenceException or InvalidOperationException)
        {
            // Unreadable: start from the first file; conditional appends skip what the blobs already hold.
            return null;
        }
    }

    private void WritePosition()
    {
        var path = Path.Combine(_directory, PositionFile);
        File.WriteAllText(path + ".tmp", new JsonObject { ["file"] = _position!.Value.File, ["offset"] = _position.Value.Offset }.ToJsonString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Status and error code, never a URL with a token or a key.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        RequestFailedException failed => string.Create(CultureInfo.InvariantCulture, $"Azure Storage answered {failed.Status} {failed.ErrorCode}").TrimEnd(),
        AuthenticationFailedException => "Entra ID sign-in for Azure Storage failed (managed identity or developer credential)",
        _ => $"{ex.GetType().Name}: {ex.Message.Split('\n', 2)[0].Trim()}",
    };

    /// <summary>Stops the loop, then (unless storage is failing) makes one last bounded attempt so a clean shutdown leaves the copy current.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_failing)
        {
            // Storage is down: do not hold up shutdown; the next start resumes from the saved position.
            _stop.Dispose();
            return;
        }

        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await ShipPendingAsync(last.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Out of time: the next start resumes from the saved position.
        }

        _stop.Dispose();
    }
}
