using System.Security.Cryptography;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// New request ids: a random (version 4) GUID as 32 hex digits, the same form as <c>Guid.NewGuid().ToString("N")</c>.
/// The bytes come from <see cref="RandomNumberGenerator"/> (OpenSSL's generator, in process): on Linux
/// <see cref="Guid.NewGuid"/> reads /dev/urandom with a system call for every id, about 1 % of the full chain's CPU
/// per request in the round-6 profile (bench/README.md).
/// </summary>
public static class RequestIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        // The version (4) and variant (10xx) bits of a random GUID, where Guid.NewGuid sets them.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString("N");
    }
}
