namespace KeepTrusts.Engine.Policies;

/// <summary>Which side of the call a decision was made on.</summary>
public enum PolicyPhase
{
    Request,
    Response,
    Stream,
}
