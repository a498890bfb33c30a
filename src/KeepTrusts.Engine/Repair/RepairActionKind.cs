namespace KeepTrusts.Engine.Repair;

public enum RepairActionKind
{
    CreateZone,
    LinkVirtualNetwork,
    CreateZoneGroup,
}
