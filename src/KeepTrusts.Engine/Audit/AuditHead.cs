using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// <c>audit-head.json</c>: the last record the writer acknowledged (seq, hash, file). The chain alone cannot show that
/// records were cut from its end; the head can: the log must still hold the record the head names. Replaced atomically
/// (temp file + rename) at most once a second, beside the writer. With a key, <c>mac</c> is HMAC-SHA256 over seq, hash and file, so someone who
/// can edit the files but does not hold the key cannot write a head that matches a shortened log.
/// </summary>
public sealed record AuditHead(long Seq, string Hash, string File, DateTimeOffset Time, string? Mac)
{
    public const string FileName = "audit-head.json";

    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    public static string ComputeMac(byte[] key, long seq, string hash, string file) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seq}\n{hash}\n{file}")))).ToLowerInvariant();

    public bool MacMatches(byte[] key) =>
        Mac is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac), Encoding.ASCII.GetBytes(ComputeMac(key, Seq, Hash, File)));

    /// <summary>The head in a directory; null when there is none. Throws <see cref="InvalidDataException"/> when it is unreadable.</summary>
    public static AuditHead? Read(string directory)
    {
        var path = PathIn(directory);
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        try
        {
            var json = JsonNode.Parse(System.IO.File.ReadAllText(path))!.AsObject();
            return new AuditHead(
                json["seq"]!.GetValue<long>(),
                json["hash"]!.GetValue<string>(),
                json["file"]!.GetValue<string>(),
                DateTimeOffset.Parse(json["time"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                json["mac"]?.GetValue<string>());
        }
        catch (Exception ex) when (ex is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{FileName} is not a valid audit head: {ex.Message}", ex);
        }
    }

    /// <summary>Replaces the head atomically; <paramref name="flushToDisk"/> fsyncs it before the rename.</summary>
    internal void Write(string directory, bool flushToDisk)
    {
        var path = PathIn(directory);
        var temp = path + ".tmp";
        var json = new JsonObject
        {
            ["seq"] = Seq,
            ["hash"] = Hash,
            ["file"] = File,
            ["time"] = Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        };
        if (Mac is not null)
        {
            json["mac"] = Mac;
        }

        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(json.ToJsonString()));
            stream.Flush(flushToDisk);
        }

        System.IO.File.Move(temp, path, overwrite: true);
    }
}
