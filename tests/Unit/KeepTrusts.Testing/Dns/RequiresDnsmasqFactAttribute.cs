using Xunit;

namespace KeepTrusts.Testing.Dns;

/// <summary>A fact that needs dnsmasq: skipped with the reason outside CI when it is missing, run (and failing) inside CI.</summary>
public sealed class RequiresDnsmasqFactAttribute : FactAttribute
{
    public RequiresDnsmasqFactAttribute()
    {
        Skip = DnsmasqServer.SkipReason;
    }
}
