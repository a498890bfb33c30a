namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>An upstream answer grew past gateway.limits (max_upstream_response_bytes or max_upstream_stream_bytes).</summary>
public sealed class UpstreamResponseTooLargeException(long limit, string setting)
    : Exception(string.Create(CultureInfo.InvariantCulture, $"The upstream answer is larger than {limit} bytes (gateway.limits.{setting})."))
{
    public long Limit { get; } = limit;

    public string Setting { get; } = setting;
}
