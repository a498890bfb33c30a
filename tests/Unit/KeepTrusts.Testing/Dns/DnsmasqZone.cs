namespace KeepTrusts.Testing.Dns;

/// <summary>What a dnsmasq instance answers: CNAMEs, A records, and the domains it is authoritative for (NXDOMAIN otherwise).</summary>
public sealed class DnsmasqZone
{
    private readonly List<(string Alias, string Target)> _cnames = [];
    private readonly List<(string Name, string Address)> _addresses = [];
    private readonly List<string> _localDomains = [];

    public DnsmasqZone Cname(string alias, string target)
    {
        _cnames.Add((alias, target));
        return this;
    }

    public DnsmasqZone A(string name, string ipv4)
    {
        _addresses.Add((name, ipv4));
        return this;
    }

    /// <summary>Names under this domain that are not configured get NXDOMAIN instead of REFUSED.</summary>
    public DnsmasqZone AuthoritativeFor(string domain)
    {
        _localDomains.Add(domain);
        return this;
    }

    internal IEnumerable<string> ToArguments(int port)
    {
        yield return "--no-daemon";
        yield return "--no-resolv";
        yield return "--no-hosts";
        yield return "--conf-file=/dev/null";
        yield return "--listen-address=127.0.0.1";
        yield return "--bind-interfaces";
        yield return $"--port={port}";
        yield return "--pid-file=";
        yield return "--cache-size=0";
        if (Environment.UserName == "root")
        {
            // dnsmasq drops to 'nobody' when started as root; containers may lack that user or setgroups.
            yield return "--user=root";
        }

        foreach (var domain in _localDomains)
        {
            yield return $"--local=/{domain}/";
        }

        // dnsmasq only answers a CNAME whose target it knows locally: every CNAME target needs a host-record.
        foreach (var (name, address) in _addresses)
        {
            yield return $"--host-record={name},{address}";
        }

        foreach (var (alias, target) in _cnames)
        {
            yield return $"--cname={alias},{target}";
        }
    }
}
