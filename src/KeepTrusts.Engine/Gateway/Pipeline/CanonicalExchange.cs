using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// A request parsed once into its typed record, whatever dialect it came in: the stages read and edit this, and the
/// upstream adapter writes it out (the client's bytes unchanged when nothing was edited).
/// </summary>
internal sealed class CanonicalExchange
{
    public required GatewayRequest Request { get; init; }

    public UpstreamOperation Operation => Request.Operation;

    public required string Model { get; init; }

    public bool Stream { get; init; }

    public ChatRequest? Chat { get; init; }

    public EmbeddingsRequest? Embeddings { get; init; }

    public ResponsesRequest? Responses { get; init; }

    public required ChatTextSegments Segments { get; init; }

    /// <summary>True once a stage edited the typed record (redaction, model set from an Azure deployment path).</summary>
    public bool Modified { get; set; }

    /// <summary>Tokens the call may use, for rate limits before the upstream reports usage: ~4 characters a token plus the output cap.</summary>
    public long EstimatedTokens => Math.Max(1, Segments.TotalLength / 4) + MaxOutputTokens;

    public long MaxOutputTokens => Chat?.MaxTokens ?? Chat?.MaxCompletionTokens ?? Responses?.MaxOutputTokens ?? 0;

    /// <summary>The body to send upstream: the client's bytes when nothing changed, else the edited record.</summary>
    public ReadOnlyMemory<byte> Body() => !Modified ? Request.Body : Operation switch
    {
        UpstreamOperation.ChatCompletions => JsonSerializer.SerializeToUtf8Bytes(Chat!, GatewayJson.Default.ChatRequest),
        UpstreamOperation.Embeddings => JsonSerializer.SerializeToUtf8Bytes(Embeddings!, GatewayJson.Default.EmbeddingsRequest),
        _ => JsonSerializer.SerializeToUtf8Bytes(Responses!, GatewayJson.Default.ResponsesRequest),
    };
}
