using Xunit;

namespace KeepTrusts.Testing.Dns;

/// <summary>A theory that needs dnsmasq: skipped with the reason outside CI when it is missing, run (and failing) inside CI.</summary>
public sealed class RequiresDnsmasqTheoryAttribute : TheoryAttribute
{
    public RequiresDnsmasqTheoryAttribute()
    {
        Skip = DnsmasqServer.SkipReason;
    }
}
