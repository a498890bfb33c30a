using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// Where the gateway listens. One grammar for <c>kt --listen</c>, <c>KT_LISTEN</c> and <c>Start-KtGateway -Listen</c>:
/// a port (<c>8080</c>, loopback), <c>host:port</c>, <c>[v6]:port</c> or <c>http://host:port</c>; host is an IP address,
/// <c>localhost</c>, or <c>*</c> / <c>+</c> for every interface. Port 0 picks a free port.
/// </summary>
public sealed record ListenAddress(IPAddress Host, int Port)
{
    public const string Default = "127.0.0.1:8080";

    public const string Grammar = "a port (8080), host:port (127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080) or http://host:port";

    public bool IsLoopback => IPAddress.IsLoopback(Host);

    public static ListenAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new ArgumentException(error, nameof(text));

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> is one sentence naming the value and the fix.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        var value = (text ?? string.Empty).Trim();
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' asks for HTTPS, but the gateway serves plain HTTP; listen on http://host:port and terminate TLS in front of it (ingress, App Gateway, reverse proxy).";
            return false;
        }

        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            value = value["http://".Length..].TrimEnd('/');
        }

        if (value.Length > 0 && value.All(char.IsAsciiDigit))
        {
            value = "127.0.0.1:" + value;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || value.EndsWith(']') || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            error = $"'{text}' is not a listen address: use {Grammar}.";
            return false;
        }

        if (port > 65535)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"'{text}': port {port} is out of range; use 0-65535 (0 picks a free port).");
            return false;
        }

        var hostText = value[..colon];
        if (hostText.StartsWith('[') != hostText.EndsWith(']'))
        {
            error = $"'{text}' has an unbalanced '[' or ']'; write an IPv6 host as [::1]:8080.";
            return false;
        }

        hostText = hostText.Trim('[', ']');
        IPAddress? host = hostText switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ when IPAddress.TryParse(hostText, out var ip) => ip,
            _ => null,
        };
        if (host is null)
        {
            error = $"'{text}': host '{hostText}' is not an IP address; use 127.0.0.1 (this machine), 0.0.0.0 (every interface), :: or localhost.";
            return false;
        }

        address = new ListenAddress(host, port);
        error = null;
        return true;
    }

    public override string ToString() =>
        Host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}") : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
