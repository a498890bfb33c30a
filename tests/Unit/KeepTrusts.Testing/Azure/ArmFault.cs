namespace KeepTrusts.Testing.Azure;

/// <summary>
/// Makes the fake answer requests of one method against one resource type with an ARM error, the way the
/// real service does for missing role assignments (403), concurrent operations (409) and so on.
/// </summary>
public sealed record ArmFault(string Method, string ResourceType, int StatusCode);
