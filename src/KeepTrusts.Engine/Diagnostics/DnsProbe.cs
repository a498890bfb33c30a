using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace KeepTrusts.Engine.Diagnostics;

/// <summary>Resolves a name with DnsClient against a chosen server (or the system's), keeping the CNAME chain visible.</summary>
public static class DnsProbe
{
    /// <summary>Parses -DnsServer: "ip" or "ip:port" ("[v6]:port" for IPv6).</summary>
    public static IPEndPoint ParseServer(string text)
    {
        if (IPAddress.TryParse(text, out var bare))
        {
            return new IPEndPoint(bare, 53);
        }

        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
        {
            return endpoint;
        }

        throw new ArgumentException($"-DnsServer '{text}' is not an IP address with an optional port (for example 168.63.129.16 or 10.0.0.4:53).");
    }

    public static async Task<DnsProbeResult> ResolveAsync(string fqdn, IPEndPoint? server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        LookupClientOptions options = server is null ? new LookupClientOptions() : new LookupClientOptions(new NameServer(server));
        options.UseCache = false;
        options.Timeout = timeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.UseTcpFallback = true;
        var client = new LookupClient(options);
        var serverText = server?.ToString() ?? "system resolver (" + string.Join(", ", client.NameServers.Select(n => n.ToString())) + ")";

        try
        {
            var response = await client.QueryAsync(fqdn, QueryType.A, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            var chain = new List<string>();
            var current = fqdn.TrimEnd('.');
            var cnames = response.Answers.OfType<CNameRecord>().ToList();
            // Follow the chain in order rather than trusting answer order.
            for (var hop = 0; hop < 16; hop++)
            {
                var next = cnames.FirstOrDefault(c => string.Equals(c.DomainName.Value.TrimEnd('.'), current, StringComparison.OrdinalIgnoreCase));
                if (next is null)
                {
                    break;
                }

                current = next.CanonicalName.Value.TrimEnd('.');
                chain.Add(current);
            }

            var addresses = response.Answers.OfType<ARecord>().Select(a => a.Address).ToList();
            return new DnsProbeResult(serverText, true, response.Header.ResponseCode.ToString(), chain, addresses, response.HasError ? response.ErrorMessage : null);
        }
        catch (DnsResponseException ex)
        {
            return new DnsProbeResult(serverText, false, ex.Code.ToString(), [], [], ex.Message);
        }
    }
}
