using KeepTrusts.Engine.Audit;
using Prometheus;

namespace KeepTrusts.Gateway.Server;

/// <summary>Audit shipping in /metrics, read from the shipper's status at each scrape.</summary>
internal static class AuditShippingMetrics
{
    public static void Register(CollectorRegistry registry, AuditBlobShipper shipper)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        var failures = factory.CreateCounter("kt_audit_ship_failures_total", "Failed attempts to append audit records to the blob copy (the local files keep them).");
        var lag = factory.CreateGauge("kt_audit_ship_lag_bytes", "Audit bytes on local disk not yet in the blob copy.");
        var degraded = factory.CreateGauge("kt_audit_ship_degraded", "1 while the last shipping attempt failed, else 0.");
        registry.AddBeforeCollectCallback(() =>
        {
            var status = shipper.Status;
            failures.IncTo(status.Failures);
            lag.Set(status.LagBytes);
            degraded.Set(status.Degraded ? 1 : 0);
        });
    }
}
