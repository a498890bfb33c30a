namespace KeepTrusts.Engine.Repair;

public enum RepairActionKind
{
    CreateZone,
    LinkVirtualNetwork,
    CreateZoneGroup,

    /// <summary>-FixStaleRecord: the A record is rewritten to the endpoint's NIC address.</summary>
    RewriteARecord,
}
