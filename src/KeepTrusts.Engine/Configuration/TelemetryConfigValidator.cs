namespace KeepTrusts.Engine.Configuration;

/// <summary>Checks of <c>gateway.telemetry</c>: the OTLP endpoint must be an absolute http(s) URL without a secret in it.</summary>
internal sealed class TelemetryConfigValidator(List<ConfigDiagnostic> diagnostics)
{
    public void Validate(GatewayOptions gateway)
    {
        if (gateway.Telemetry?.Otlp is not { } otlp)
        {
            return;
        }

        if (otlp.Endpoint is { } endpoint &&
            (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0))
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.InvalidValue,
                $"'{(Uri.TryCreate(endpoint, UriKind.Absolute, out var u) && u.UserInfo.Length > 0 ? "(an URL with credentials)" : endpoint)}' is not an http(s) URL without credentials",
                otlp.LocationOf("endpoint"), otlp.PathOf("endpoint"),
                "write the collector's base URL, for example 'endpoint: http://127.0.0.1:4318' (http/protobuf) or 'http://127.0.0.1:4317' (grpc); put headers with secrets in OTEL_EXPORTER_OTLP_HEADERS"));
        }

        if (string.IsNullOrWhiteSpace(otlp.ServiceName))
        {
            diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, DiagnosticCodes.InvalidValue, "service_name is empty",
                otlp.LocationOf("service_name"), otlp.PathOf("service_name"), "leave it out (default kt-gateway) or name the service, for example 'service_name: kt-prod-east'"));
        }
    }
}
