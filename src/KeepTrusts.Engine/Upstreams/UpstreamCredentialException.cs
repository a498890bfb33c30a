namespace KeepTrusts.Engine.Upstreams;

/// <summary>No usable credential for a target. The message names the variable or identity, never a secret.</summary>
public sealed class UpstreamCredentialException(string message) : Exception(message);
