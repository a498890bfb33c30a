namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.telemetry.otlp.protocol</c>: how spans reach the OpenTelemetry collector.</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP over HTTP with protobuf bodies (port 4318 by convention); spans go to <c>{endpoint}/v1/traces</c>.</summary>
    [ConfigValue("http/protobuf")]
    HttpProtobuf,

    /// <summary>OTLP over gRPC (port 4317 by convention).</summary>
    [ConfigValue("grpc")]
    Grpc,
}
