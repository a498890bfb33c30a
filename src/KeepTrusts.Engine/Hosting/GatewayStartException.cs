namespace KeepTrusts.Engine.Hosting;

/// <summary>The gateway process could not be started or did not become ready; the message carries its last log lines.</summary>
public sealed class GatewayStartException(string message) : Exception(message);
