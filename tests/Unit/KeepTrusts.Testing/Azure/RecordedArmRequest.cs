namespace KeepTrusts.Testing.Azure;

/// <summary>One request the fake ARM received, as the test sees it afterwards.</summary>
public sealed record RecordedArmRequest(string Method, string Path, string? ApiVersion, int StatusCode, bool HadBearerToken, string? Body = null)
{
    /// <summary>
    /// PUT, PATCH, DELETE, or a POST that is not a read: list actions (appsettings/list) and Resource Graph queries
    /// are POSTs that change nothing.
    /// </summary>
    public bool IsWrite => Method is "PUT" or "PATCH" or "DELETE"
        || (Method == "POST" && !Path.Contains("/operations/", StringComparison.OrdinalIgnoreCase)
            && !Path.EndsWith("/list", StringComparison.OrdinalIgnoreCase)
            && !Path.EndsWith("/providers/Microsoft.ResourceGraph/resources", StringComparison.OrdinalIgnoreCase));
}
