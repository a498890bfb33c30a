using System.Text.Json;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Gateway.Server;

/// <summary>GET /v1/models and /v1/models/{id} (and their Azure /openai/v1 twins): the configured models in OpenAI's shape.</summary>
internal static class ModelList
{
    public static byte[] All(PolicyConfig config)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var model in Models(config))
            {
                WriteModel(writer, model.Key, model.Value);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>One model, or null when no target serves it.</summary>
    public static byte[]? One(PolicyConfig config, string id)
    {
        if (!Models(config).TryGetValue(id, out var targets))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteModel(writer, id, targets);
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, string[]> Models(PolicyConfig config) => config.Providers.Targets
        .GroupBy(t => t.Model, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(t => t.Id).ToArray(), StringComparer.Ordinal);

    private static void WriteModel(Utf8JsonWriter writer, string id, string[] targets)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", 0);
        writer.WriteString("owned_by", "keeptrusts");
        writer.WriteStartArray("targets");
        foreach (var target in targets)
        {
            writer.WriteStringValue(target);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
