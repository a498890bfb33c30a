using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Reload;

/// <summary>
/// The settings a live reload cannot apply: what Kestrel, the audit writer, the state store and the tracer were built
/// with at start. A reload keeps their running values (so nothing is half-applied) and names each changed one, for the
/// log's "needs restart" line. Everything else — targets, routing, policies, client keys, limits checked per request — applies live.
/// </summary>
public static class RestartOnlySettings
{
    /// <summary>
    /// Puts the running values of restart-only settings into <paramref name="next"/> and returns the field paths
    /// whose value differed (empty: the whole change applies live).
    /// </summary>
    public static IReadOnlyList<string> KeepRunningValues(PolicyConfig running, PolicyConfig next)
    {
        var changed = new List<string>();

        // One audit writer per directory for the life of the process (it holds the lock file and the hash chain).
        if (Fingerprint(running.Policy.AuditLogger) != Fingerprint(next.Policy.AuditLogger))
        {
            changed.Add("policy.audit-logger");
            next.Policy.AuditLogger = running.Policy.AuditLogger;
        }

        var audited = running.Policies.Chain.Contains(PolicyNames.AuditLogger);
        if (audited != next.Policies.Chain.Contains(PolicyNames.AuditLogger))
        {
            changed.Add($"policies.chain ({(audited ? "removing" : "adding")} {PolicyNames.AuditLogger})");
            next.Policies.Chain = audited ? [.. next.Policies.Chain, PolicyNames.AuditLogger] : next.Policies.Chain.Where(p => p != PolicyNames.AuditLogger).ToList();
        }

        if (Fingerprint(running.Gateway.State) != Fingerprint(next.Gateway.State))
        {
            changed.Add("gateway.state");
            next.Gateway.State = running.Gateway.State;
        }

        if (Fingerprint(running.Gateway.Telemetry) != Fingerprint(next.Gateway.Telemetry))
        {
            changed.Add("gateway.telemetry");
            next.Gateway.Telemetry = running.Gateway.Telemetry;
        }

        // Kestrel applied these when it started listening.
        Keep(changed, "gateway.max_request_body_bytes", running.Gateway.MaxRequestBodyBytes, next.Gateway.MaxRequestBodyBytes, v => next.Gateway.MaxRequestBodyBytes = v);
        var (was, now) = (running.Gateway.Limits, next.Gateway.Limits);
        Keep(changed, "gateway.limits.keep_alive_timeout_seconds", was.KeepAliveTimeoutSeconds, now.KeepAliveTimeoutSeconds, v => now.KeepAliveTimeoutSeconds = v);
        Keep(changed, "gateway.limits.max_concurrent_connections", was.MaxConcurrentConnections, now.MaxConcurrentConnections, v => now.MaxConcurrentConnections = v);
        Keep(changed, "gateway.limits.max_request_line_bytes", was.MaxRequestLineBytes, now.MaxRequestLineBytes, v => now.MaxRequestLineBytes = v);
        Keep(changed, "gateway.limits.max_request_headers_bytes", was.MaxRequestHeadersBytes, now.MaxRequestHeadersBytes, v => now.MaxRequestHeadersBytes = v);
        return changed;
    }

    private static void Keep<T>(List<string> changed, string path, T running, T next, Action<T> restore)
        where T : IEquatable<T>
    {
        if (!running.Equals(next))
        {
            changed.Add(path);
            restore(running);
        }
    }

    /// <summary>The bound values of a section (its [ConfigKey] properties, recursively), for comparison.</summary>
    internal static string Fingerprint(object? value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075",
        Justification = "Reads only ConfigSection properties, which the Native AOT publish keeps (NativeAot.Roots.xml roots the configuration namespace).")]
    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append('~');
                break;
            case ConfigSection section:
                text.Append('{');
                foreach (var property in section.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetCustomAttribute<ConfigKeyAttribute>() is { } key)
                    {
                        text.Append(key.Key).Append('=');
                        Append(text, property.GetValue(section));
                        text.Append(';');
                    }
                }

                text.Append('}');
                break;
            case string s:
                text.Append('"').Append(s.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case IDictionary dictionary:
                text.Append('{');
                foreach (DictionaryEntry entry in dictionary)
                {
                    Append(text, entry.Key);
                    text.Append(':');
                    Append(text, entry.Value);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case IEnumerable items:
                text.Append('[');
                foreach (var item in items)
                {
                    Append(text, item);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
