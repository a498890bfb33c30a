using System.Text.Json;

namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// Reads and writes one instance record (JSON, no secrets). Writes go to a temporary file that replaces the record, so
/// a reader never sees half a record while kt and Start-KtGateway update it from different processes.
/// </summary>
public static class GatewayInstanceRecord
{
    public static GatewayInstance? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), EngineFileJson.Default.GatewayInstance);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Write(string path, GatewayInstance instance)
    {
        var temporary = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(instance, EngineFileJson.Default.GatewayInstance));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>kt: records the address it bound. A missing record (kt run by hand with the option) is created.</summary>
    public static void RecordListening(string path, string url)
    {
        var instance = TryRead(path) ?? new GatewayInstance(Path.GetFileNameWithoutExtension(path), url, Environment.ProcessId, string.Empty, DateTimeOffset.Now, string.Empty);
        Write(path, instance with { Url = url, ProcessId = Environment.ProcessId, Status = "Running" });
    }

    /// <summary>kt: records how it ended, so Get-KtGateway can show an Exited gateway with its exit code and reason.</summary>
    public static void RecordExit(string path, int exitCode, string? reason)
    {
        if (TryRead(path) is { } instance)
        {
            Write(path, instance with { ExitCode = exitCode, ExitReason = reason });
        }
    }
}
