namespace KeepTrusts.Engine.Diagnostics.Networking;

public enum NsgDirection
{
    Inbound,
    Outbound,
}
