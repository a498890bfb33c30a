namespace KeepTrusts.Gateway.Server;

/// <summary>
/// Marks a request that reached kt's middleware (and so gets its record from kt's own code): Kestrel's bad-request
/// event for it — a broken body while kt read it, or while Kestrel drained what kt left unread — is not a second
/// outcome (<see cref="KestrelRejectRecorder"/>). Kestrel clears its features before the connection's next request.
/// </summary>
internal sealed class ServedRequest
{
    public static readonly ServedRequest Marker = new();

    private ServedRequest()
    {
    }
}
