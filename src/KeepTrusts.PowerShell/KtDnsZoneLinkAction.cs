namespace KeepTrusts.PowerShell;

/// <summary>One action of Repair-KtDnsZoneLink and what happened to it.</summary>
public sealed class KtDnsZoneLinkAction
{
    /// <summary>CreateZone, LinkVirtualNetwork or CreateZoneGroup.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>The ARM resource id written (or that would be).</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>Created, AlreadyPresent or WouldCreate.</summary>
    public string Result { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;

    public override string ToString() => $"{Result} {Action} {Target}";
}
