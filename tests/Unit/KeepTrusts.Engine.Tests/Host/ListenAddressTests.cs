using System.Net;
using KeepTrusts.Engine.Hosting;

namespace KeepTrusts.Engine.Tests.Host;

/// <summary>The one listen grammar kt --listen, KT_LISTEN and Start-KtGateway -Listen share.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("8080", "127.0.0.1", 8080)]
    [InlineData("127.0.0.1:8081", "127.0.0.1", 8081)]
    [InlineData("http://127.0.0.1:8081", "127.0.0.1", 8081)]
    [InlineData("HTTP://127.0.0.1:8081/", "127.0.0.1", 8081)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("*:9000", "0.0.0.0", 9000)]
    [InlineData("localhost:0", "127.0.0.1", 0)]
    [InlineData("[::1]:8080", "::1", 8080)]
    [InlineData("http://[::]:8080", "::", 8080)]
    public void Accepts_a_port_host_port_and_http_urls(string text, string host, int port)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(IPAddress.Parse(host), address.Host);
        Assert.Equal(port, address.Port);
    }

    [Theory]
    [InlineData("nonsense", "is not a listen address")]
    [InlineData("127.0.0.1", "is not a listen address")]
    [InlineData("127.0.0.1:70000", "out of range")]
    [InlineData("example.com:8080", "host 'example.com' is not an IP address")]
    [InlineData("https://127.0.0.1:8443", "plain HTTP")]
    [InlineData("[::1:8080", "unbalanced")]
    [InlineData("", "is not a listen address")]
    public void Rejects_with_one_sentence_that_names_the_value_and_the_fix(string text, string expected)
    {
        Assert.False(ListenAddress.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains($"'{text}'", error);
        Assert.Single(error.Split(". ", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Prints_ipv6_hosts_in_brackets_so_the_text_parses_again()
    {
        var address = ListenAddress.Parse("http://[::1]:8080");

        Assert.Equal("[::1]:8080", address.ToString());
        Assert.Equal(address, ListenAddress.Parse(address.ToString()));
    }
}
