namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.telemetry</c>: OpenTelemetry tracing. Off unless an OTLP endpoint is configured.</summary>
public sealed class TelemetryOptions : ConfigSection
{
    [ConfigKey("otlp", Description = "the OpenTelemetry collector spans are exported to")]
    public OtlpOptions? Otlp { get; set; }
}
