using System.Net;
using System.Net.Sockets;

namespace KeepTrusts.Engine.Diagnostics.Networking;

/// <summary>Address classes the checks care about: RFC 1918 / shared / loopback (private) versus public.</summary>
public static class AddressRanges
{
    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("fc00::/7"),
    ];

    public static bool IsPrivateOrLoopback(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address) || Private.Any(n => n.Contains(address));
    }

    public static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>A representative host address inside a subnet: Azure reserves the first four, so the fifth.</summary>
    public static IPAddress FirstUsable(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork && network.PrefixLength <= 29)
        {
            var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) + 4;
            return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        }

        return network.BaseAddress;
    }
}
