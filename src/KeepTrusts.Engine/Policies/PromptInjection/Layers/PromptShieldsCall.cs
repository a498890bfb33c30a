using System.Text.Json;

namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>One shieldPrompt request body and where each of its parts came from (for the reason).</summary>
internal sealed class PromptShieldsCall
{
    public string UserPrompt { get; set; } = string.Empty;

    public string PromptSources { get; set; } = string.Empty;

    public List<string> Documents { get; } = [];

    public List<string> DocumentSources { get; } = [];

    public int DocumentChars => Documents.Sum(d => d.Length);

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("userPrompt", UserPrompt);
            writer.WriteStartArray("documents");
            foreach (var document in Documents)
            {
                writer.WriteStringValue(document);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
