using System.Text;
using System.Text.Json;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Wire;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>
/// The Azure filter results kept for an answer's audit record: an answer whose results repeat the previous answer's
/// on the same thread gets that same string (no new one per answer), and an answer whose results differ never gets
/// the previous answer's text.
/// </summary>
public sealed class AzureFilterResultsTextTests
{
    private static string Answer(string severity) =>
        "{\"id\":\"a\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]," +
        "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}," +
        "\"content_filter_results\":{\"violence\":{\"filtered\":false,\"severity\":\"" + severity + "\"}}}]}";

    private static string Collect(string answer)
    {
        var body = Encoding.UTF8.GetBytes(answer);
        var completion = JsonSerializer.Deserialize(body, GatewayJson.Default.ChatCompletion)!;
        return AzureContentFilter.CollectFromAnswer(body, completion.Choices)!;
    }

    private static string Expected(string severity) =>
        "{\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]," +
        "\"content_filter_results\":[{\"violence\":{\"filtered\":false,\"severity\":\"" + severity + "\"}}]}";

    [Fact]
    public void Results_that_repeat_reuse_one_string_and_results_that_differ_are_their_own()
    {
        var first = Collect(Answer("safe"));
        var repeated = Collect(Answer("safe"));
        var different = Collect(Answer("low"));
        var back = Collect(Answer("safe"));

        Assert.Equal(Expected("safe"), first);
        Assert.Same(first, repeated);
        Assert.Equal(Expected("low"), different);
        Assert.Equal(Expected("safe"), back);
    }

    [Fact]
    public void Results_over_the_reuse_bound_are_written_whole_every_time()
    {
        var long1 = Collect(Answer(new string('x', 5000)));
        var long2 = Collect(Answer(new string('x', 5000)));

        Assert.Equal(Expected(new string('x', 5000)), long1);
        Assert.Equal(long1, long2);
        Assert.NotSame(long1, long2);
    }
}
