namespace KeepTrusts.Engine.Diagnostics.Fleet;

/// <summary>One Cognitive Services / Azure OpenAI account found by Resource Graph, and the endpoint it is checked on.</summary>
public sealed record FleetAccount(string AccountId, string Kind, string? Endpoint, int PrivateEndpointCount);
