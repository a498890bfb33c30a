namespace KeepTrusts.Testing.Azure;

/// <summary>One request the fake ARM received, as the test sees it afterwards.</summary>
public sealed record RecordedArmRequest(string Method, string Path, string? ApiVersion, int StatusCode, bool HadBearerToken, string? Body = null)
{
    /// <summary>PUT, PATCH, POST or DELETE against a resource (operation-status polls are reads).</summary>
    public bool IsWrite => Method is "PUT" or "PATCH" or "DELETE" || (Method == "POST" && !Path.Contains("/operations/", StringComparison.OrdinalIgnoreCase));
}
