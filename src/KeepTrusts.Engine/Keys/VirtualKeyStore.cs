using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KeepTrusts.Engine.Keys;

/// <summary>
/// Virtual client keys in one JSON file (<c>gateway.keys.store</c>). Secrets are never stored: each key keeps
/// HMAC-SHA256(store salt, secret). Secrets are 256 random bits, so a fast keyed hash is enough (a slow KDF guards
/// guessable passwords, and would cost every request). A running store watches the file and swaps in the new key
/// set within a fraction of a second of a change (debounced); a broken file is refused and the old keys keep serving.
/// Writers (kt keys, New-KtGatewayKey) take a lock file and replace the file atomically.
/// Bounds: at most <see cref="MaxKeys"/> keys and <see cref="MaxFileBytes"/> bytes.
/// </summary>
public sealed partial class VirtualKeyStore : IDisposable
{
    public const int MaxKeys = 10_000;
    public const long MaxFileBytes = 16L * 1024 * 1024;
    public const string SecretPrefix = "kt-vk-";

    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _debounce;
    private volatile Snapshot _snapshot;

    private VirtualKeyStore(string path, bool watch, ILogger? logger, TimeProvider? time)
    {
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _snapshot = Snapshot.From(Read(Path));
        if (watch)
        {
            _debounce = new Timer(_ => ReloadQuietly());
            _watcher = new FileSystemWatcher(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>The store file's full path.</summary>
    public string Path { get; }

    /// <summary>The keys as last loaded.</summary>
    public IReadOnlyList<VirtualKey> Keys => _snapshot.Keys;

    /// <summary>Why the last reload was refused (the old keys kept serving), or null after a good one.</summary>
    public string? LastReloadError { get; private set; }

    /// <summary>Raised after the file changed and was reloaded, with null on success or the reason it was refused.</summary>
    public event Action<string?>? Reloaded;

    /// <summary>Opens the store for one change or read, without watching (kt keys, the cmdlets).</summary>
    /// <remarks>No logging types in this signature: the PowerShell module calls it across load contexts.</remarks>
    public static VirtualKeyStore Open(string path) => Open(path, watch: false);

    /// <summary>
    /// Opens the store at <paramref name="path"/>; a missing file is an empty store (the first add creates it).
    /// With <paramref name="watch"/>, changes to the file are picked up while the store is open.
    /// </summary>
    public static VirtualKeyStore Open(string path, bool watch, ILogger? logger = null, TimeProvider? time = null)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
        {
            throw new VirtualKeyStoreException($"{path}: the key store's directory '{directory}' does not exist; create it first");
        }

        return new VirtualKeyStore(path, watch, logger, time);
    }

    /// <summary>The key whose secret was presented, or null. Every key's hash is compared, so timing tells nothing.</summary>
    public VirtualKey? FindBySecret(string presented)
    {
        var snapshot = _snapshot;
        if (snapshot.Keys.Count == 0 || string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = HMACSHA256.HashData(snapshot.Salt, Encoding.UTF8.GetBytes(presented));
        VirtualKey? match = null;
        for (var i = 0; i < snapshot.Hashes.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, snapshot.Hashes[i]))
            {
                match ??= snapshot.Keys[i];
            }
        }

        return match;
    }

    /// <summary>Adds a key and returns it with its secret (shown once: only its hash is kept).</summary>
    public CreatedVirtualKey Add(VirtualKeySpec spec)
    {
        CheckAlias(spec.Alias);
        CheckSpec(spec);
        return Change(document =>
        {
            if (document.Keys.Any(k => string.Equals(k.Alias, spec.Alias, StringComparison.OrdinalIgnoreCase)))
            {
                throw new VirtualKeyStoreException($"{Path}: a key with alias '{spec.Alias}' exists already; choose another alias or revoke that key first", VirtualKeyStoreError.Exists);
            }

            if (document.Keys.Count >= MaxKeys)
            {
                throw new VirtualKeyStoreException(string.Create(CultureInfo.InvariantCulture, $"{Path}: the store holds {MaxKeys} keys, its limit; revoke unused keys first"), VirtualKeyStoreError.Exists);
            }

            var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
            var key = new VirtualKey
            {
                Id = "vk_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
                Alias = spec.Alias,
                SecretHash = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(document.Salt), Encoding.UTF8.GetBytes(secret))),
                AllowedModels = spec.AllowedModels,
                AllowedRoutes = spec.AllowedRoutes,
                RequestsPerMinute = spec.RequestsPerMinute,
                TokensPerMinute = spec.TokensPerMinute,
                BudgetUsdPerDay = spec.BudgetUsdPerDay,
                BudgetUsdPerMonth = spec.BudgetUsdPerMonth,
                ExpiresAt = spec.ExpiresAt,
                Disabled = spec.Disabled,
                CreatedAt = _time.GetUtcNow(),
            };
            document.Keys.Add(key);
            return new CreatedVirtualKey(key, secret);
        });
    }

    /// <summary>Removes the key with this id or alias and returns it; running gateways stop accepting it within seconds.</summary>
    public VirtualKey Revoke(string idOrAlias) => Change(document =>
    {
        var key = document.Keys.FirstOrDefault(k => k.Id == idOrAlias) ??
                  document.Keys.FirstOrDefault(k => string.Equals(k.Alias, idOrAlias, StringComparison.OrdinalIgnoreCase)) ??
                  throw new VirtualKeyStoreException($"{Path}: no key has id or alias '{idOrAlias}'; list them with 'kt keys list' or Get-KtGatewayKey", VirtualKeyStoreError.NotFound);
        document.Keys.Remove(key);
        return key;
    });

    /// <summary>Reads the file again now (the watcher does this on its own).</summary>
    public void Reload()
    {
        _snapshot = Snapshot.From(Read(Path));
        LastReloadError = null;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private void ReloadQuietly()
    {
        string? error = null;
        try
        {
            Reload();
            KeyStoreLog.Reloaded(_logger, Path, _snapshot.Keys.Count);
        }
        catch (VirtualKeyStoreException ex)
        {
            error = ex.Message;
            LastReloadError = error;
            KeyStoreLog.ReloadRefused(_logger, error);
        }
        catch (IOException ex)
        {
            // Caught mid-write by another tool: the next change event (or this retry) reads the finished file.
            error = $"{Path}: {ex.Message}";
            LastReloadError = error;
            _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
        }

        Reloaded?.Invoke(error);
    }

    private T Change<T>(Func<VirtualKeyStoreDocument, T> change)
    {
        using var gate = AcquireWriteLock();
        var document = File.Exists(Path) ? Read(Path) : new VirtualKeyStoreDocument { Salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        var result = change(document);
        var temporary = Path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            JsonSerializer.Serialize(stream, document, EngineFileJson.Default.VirtualKeyStoreDocument);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path, overwrite: true);
        _snapshot = Snapshot.From(document);
        return result;
    }

    private FileStream AcquireWriteLock()
    {
        var deadline = _time.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (_time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5))
            {
                Thread.Sleep(50);
            }
            catch (IOException ex)
            {
                throw new VirtualKeyStoreException($"{Path}: another writer holds '{Path}.lock' for over 5 s; retry, or delete the lock file if no kt keys / New-KtGatewayKey is running", ex, VirtualKeyStoreError.Locked);
            }
        }
    }

    private static VirtualKeyStoreDocument Read(string path)
    {
        if (!File.Exists(path))
        {
            return new VirtualKeyStoreDocument();
        }

        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (stream.Length > MaxFileBytes)
            {
                throw new VirtualKeyStoreException(string.Create(CultureInfo.InvariantCulture, $"{path}: the key store is {stream.Length} bytes, over the {MaxFileBytes}-byte limit"));
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        VirtualKeyStoreDocument document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, EngineFileJson.Default.VirtualKeyStoreDocument)
                ?? throw new VirtualKeyStoreException($"{path}: the key store is empty (null); restore it or delete it to start over");
        }
        catch (JsonException ex)
        {
            throw new VirtualKeyStoreException(
                string.Create(CultureInfo.InvariantCulture, $"{path}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: the key store is not valid JSON ({ex.Message.Split(" Path:")[0]}); fix the file or restore it"), ex);
        }

        Check(path, document);
        return document;
    }

    private static void Check(string path, VirtualKeyStoreDocument document)
    {
        if (document.Version != 1)
        {
            throw new VirtualKeyStoreException(string.Create(CultureInfo.InvariantCulture, $"{path}: key store version {document.Version} is not supported (this kt reads version 1)"));
        }

        if (document.Keys.Count > 0 && !IsBase64Of(document.Salt, 32))
        {
            throw new VirtualKeyStoreException($"{path}: 'salt' must be 32 bytes in base64; without it no key can match, restore the file");
        }

        if (document.Keys.Count > MaxKeys)
        {
            throw new VirtualKeyStoreException(string.Create(CultureInfo.InvariantCulture, $"{path}: {document.Keys.Count} keys, over the limit of {MaxKeys}"));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var aliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < document.Keys.Count; i++)
        {
            var key = document.Keys[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{path}: keys[{i}]");
            if (string.IsNullOrEmpty(key.Id) || !ids.Add(key.Id))
            {
                throw new VirtualKeyStoreException($"{at}: id '{key.Id}' is empty or used twice; every key needs its own id");
            }

            if (!AliasPattern().IsMatch(key.Alias ?? string.Empty) || !aliases.Add(key.Alias!))
            {
                throw new VirtualKeyStoreException($"{at}: alias '{key.Alias}' is invalid or used twice; use 1-64 letters, digits, '.', '_' or '-', unique in the store");
            }

            if (!IsBase64Of(key.SecretHash, 32))
            {
                throw new VirtualKeyStoreException($"{at}: secret_hash is not a 32-byte base64 hash; re-create the key with kt keys add");
            }
        }
    }

    private static void CheckAlias(string alias)
    {
        if (!AliasPattern().IsMatch(alias ?? string.Empty))
        {
            throw new VirtualKeyStoreException($"alias '{alias}' is invalid: use 1-64 letters, digits, '.', '_' or '-' (it appears in metrics and audit records)");
        }
    }

    private static void CheckSpec(VirtualKeySpec spec)
    {
        if (spec.RequestsPerMinute is <= 0 || spec.TokensPerMinute is <= 0)
        {
            throw new VirtualKeyStoreException("requests and tokens per minute must be greater than 0 (leave them out for no limit)");
        }

        if (spec.BudgetUsdPerDay is < 0 || spec.BudgetUsdPerMonth is < 0)
        {
            throw new VirtualKeyStoreException("budgets must be 0 or more USD (leave them out for no budget)");
        }

        foreach (var route in spec.AllowedRoutes)
        {
            if (!route.StartsWith('/'))
            {
                throw new VirtualKeyStoreException($"route '{route}' must be a request path such as /v1/chat/completions or /v1/embeddings");
            }
        }
    }

    private static bool IsBase64Of(string? text, int length)
    {
        var buffer = new byte[length + 3];
        return !string.IsNullOrEmpty(text) && Convert.TryFromBase64String(text, buffer, out var written) && written == length;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex AliasPattern();

    private sealed record Snapshot(byte[] Salt, IReadOnlyList<VirtualKey> Keys, byte[][] Hashes)
    {
        public static Snapshot From(VirtualKeyStoreDocument document) => new(
            string.IsNullOrEmpty(document.Salt) ? [] : Convert.FromBase64String(document.Salt),
            document.Keys.ToArray(),
            document.Keys.Select(k => Convert.FromBase64String(k.SecretHash)).ToArray());
    }
}
