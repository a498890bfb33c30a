using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Reads Azure OpenAI's own content-filter signals so they are recorded beside our policies:
/// a 400 with error.code content_filter / innererror.code ResponsibleAIPolicyViolation, and the
/// prompt_filter_results / content_filter_results carried in answers and chunks (which pass through untouched).
/// </summary>
public static class AzureContentFilter
{
    public const string PolicyName = "azure-content-filter";

    /// <summary>The filter results of a blocked request, or null when the error is something else.</summary>
    public static (string Reason, string Results)? FromErrorBody(ReadOnlySpan<byte> body)
    {
        JsonNode? error;
        try
        {
            error = JsonNode.Parse(body)?["error"];
        }
        catch (JsonException)
        {
            return null;
        }

        if (error is not JsonObject e)
        {
            return null;
        }

        var code = e["code"]?.ToString();
        var inner = e["innererror"] as JsonObject;
        var innerCode = inner?["code"]?.ToString();
        if (code != "content_filter" && innerCode != "ResponsibleAIPolicyViolation")
        {
            return null;
        }

        var results = inner?["content_filter_result"] ?? inner?["content_filter_results"];
        var categories = results is JsonObject r
            ? string.Join(", ", r.Where(p => p.Value?["filtered"] is JsonValue f && f.TryGetValue<bool>(out var filtered) && filtered).Select(p => $"{p.Key} ({p.Value?["severity"]})"))
            : string.Empty;
        var reason = "Azure OpenAI content filter blocked the request" + (categories.Length > 0 ? $": {categories}" : string.Empty);
        return (reason, results?.ToJsonString() ?? "{}");
    }

    /// <summary>prompt_filter_results and choices[].content_filter_results of an answer or chunk, as one JSON text (null when none).</summary>
    public static string? Collect(JsonObject answer)
    {
        var collected = new JsonObject();
        if (answer["prompt_filter_results"] is { } prompt)
        {
            collected["prompt_filter_results"] = prompt.DeepClone();
        }

        if (answer["choices"] is JsonArray choices)
        {
            var perChoice = new JsonArray();
            foreach (var choice in choices)
            {
                if (choice?["content_filter_results"] is { } results)
                {
                    perChoice.Add(results.DeepClone());
                }
            }

            if (perChoice.Count > 0)
            {
                collected["content_filter_results"] = perChoice;
            }
        }

        return collected.Count == 0 ? null : collected.ToJsonString();
    }
}
