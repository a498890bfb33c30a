namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.telemetry.otlp</c>: where the gateway sends its spans (OpenTelemetry protocol).</summary>
public sealed class OtlpOptions : ConfigSection
{
    /// <summary>
    /// The collector's base URL, for example <c>http://127.0.0.1:4318</c>. Absent: the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT variable decides, and without either kt exports nothing.
    /// </summary>
    [ConfigKey("endpoint")]
    public string? Endpoint { get; set; }

    [ConfigKey("protocol")]
    public OtlpProtocol Protocol { get; set; } = OtlpProtocol.HttpProtobuf;

    /// <summary>The service.name resource attribute (OTEL_SERVICE_NAME wins when set).</summary>
    [ConfigKey("service_name")]
    public string ServiceName { get; set; } = "kt-gateway";
}
