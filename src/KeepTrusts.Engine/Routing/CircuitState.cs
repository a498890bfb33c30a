namespace KeepTrusts.Engine.Routing;

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}
