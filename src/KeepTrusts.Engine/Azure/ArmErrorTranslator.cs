using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using global::Azure;
using global::Azure.Core;
using global::Azure.Identity;

namespace KeepTrusts.Engine.Azure;

/// <summary>Turns SDK exceptions into <see cref="ArmRequestException"/>s that name the resource, the permission and the fix.</summary>
public static partial class ArmErrorTranslator
{
    public static ArmRequestException Translate(Exception exception, string resourceId, string operation)
    {
        // Retries that all failed arrive wrapped; the last attempt says what finally went wrong.
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            exception = aggregate.InnerExceptions[^1];
        }

        if (TransportCause(exception) is { } cause)
        {
            return new ArmRequestException(
                ArmErrorKind.Unreachable, 0, resourceId, operation, null, null,
                $"ARM could not be reached to {operation} {resourceId}: {cause.Description} {cause.Fix}",
                exception);
        }

        switch (exception)
        {
            case ArmRequestException already:
                return already;
            case RequestFailedException failed:
                return FromResponse(failed, resourceId, operation);
            case AuthenticationFailedException auth:
                return new ArmRequestException(
                    ArmErrorKind.Unauthenticated, 0, resourceId, operation, null, null,
                    $"No Azure credential was available to {operation} {resourceId}: {FirstLine(auth.Message)} "
                    + "In Azure Automation, enable the account's managed identity and grant it a role; interactively, run 'Connect-AzAccount' or 'az login', "
                    + "or pass -AccessToken (ConvertTo-SecureString (az account get-access-token --query accessToken -o tsv) -AsPlainText -Force).",
                    auth);
            default:
                return new ArmRequestException(
                    ArmErrorKind.Other, 0, resourceId, operation, null, null,
                    $"Could not {operation} {resourceId}: {FirstLine(exception.Message)}", exception);
        }
    }

    /// <summary>
    /// The transport failure behind an exception (Azure.Core wraps it in a status-0 RequestFailedException), or null
    /// when ARM answered. Permanent failures (certificate, DNS, refused) are not worth another attempt.
    /// </summary>
    public static ArmTransportCause? TransportCause(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case System.Security.Authentication.AuthenticationException tls:
                    return new ArmTransportCause(true,
                        $"the server's TLS certificate was rejected ({FirstLine(tls.Message)[..^1]}).",
                        "Check that -ArmEndpoint is the real ARM endpoint and that its certificate chains to a root this machine trusts (a TLS-inspecting proxy needs its root installed); -SkipCertificateCheck is for local test endpoints only.");
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } dns:
                    return new ArmTransportCause(true, $"the host name could not be resolved (DNS: {FirstLine(dns.Message)[..^1]}).",
                        "Check -ArmEndpoint and this machine's DNS settings.");
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData } dns:
                    return new ArmTransportCause(true, $"the host name could not be resolved (DNS: {FirstLine(dns.Message)[..^1]}).",
                        "Check -ArmEndpoint and this machine's DNS settings.");
                case System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } refused:
                    return new ArmTransportCause(true, $"the connection was refused ({FirstLine(refused.Message)[..^1]}).",
                        "Check -ArmEndpoint (host and port) and that no firewall or proxy rejects the connection.");
            }
        }

        return exception is HttpRequestException or TaskCanceledException or TimeoutException ||
               exception is RequestFailedException { Status: 0, InnerException: HttpRequestException or TaskCanceledException or TimeoutException }
            ? new ArmTransportCause(false, $"{FirstLine((exception.InnerException ?? exception).Message)}", "Check -ArmEndpoint, the network path and proxy settings.")
            : null;
    }

    private static ArmRequestException FromResponse(RequestFailedException failed, string resourceId, string operation)
    {
        var (code, armMessage) = ReadError(failed);
        var type = TypeOf(resourceId);
        switch (failed.Status)
        {
            case 401:
                return new ArmRequestException(
                    ArmErrorKind.Unauthenticated, 401, resourceId, operation, null, code,
                    $"ARM rejected the credential ({code}) when trying to {operation} {resourceId}. The token is missing, expired or for another cloud/tenant: "
                    + "get a new one for the ARM audience of this cloud, or let the managed identity sign in (omit -AccessToken).",
                    failed);
            case 403:
                var permission = ActionFromMessage(armMessage) ?? $"{type}/{(operation == "write" ? "write" : "read")}";
                var also = ExtraPermissions(type, operation);
                return new ArmRequestException(
                    ArmErrorKind.Forbidden, 403, resourceId, operation, permission, code,
                    $"Permission denied to {operation} {resourceId}: the identity needs '{permission}'{also}. "
                    + $"Assign a role that grants it at that scope ({SuggestedRole(type)}), wait a few minutes for it to apply, and run again. ARM said: {armMessage}",
                    failed);
            case 404:
                return new ArmRequestException(
                    ArmErrorKind.NotFound, 404, resourceId, operation, null, code,
                    $"Not found: {resourceId} ({code}). Check the subscription, resource group and name in the id "
                    + $"(az resource show --ids {resourceId}); if the resource was deleted, recreate it first. ARM said: {armMessage}",
                    failed);
            case 409:
                return new ArmRequestException(
                    ArmErrorKind.Conflict, 409, resourceId, operation, null, code,
                    $"Conflict on {resourceId} ({code}): {armMessage} Wait for the running operation to finish or resolve the clash it names, then run again; "
                    + "the repair is idempotent and skips what already exists.",
                    failed);
            case 400:
                return new ArmRequestException(
                    ArmErrorKind.BadRequest, 400, resourceId, operation, null, code,
                    $"ARM rejected the request to {operation} {resourceId} ({code}): {armMessage}", failed);
            default:
                return new ArmRequestException(
                    ArmErrorKind.Other, failed.Status, resourceId, operation, null, code,
                    string.Create(CultureInfo.InvariantCulture, $"ARM returned {failed.Status} ({code}) for {operation} of {resourceId}: {armMessage}"), failed);
        }
    }

    private static (string Code, string Message) ReadError(RequestFailedException failed)
    {
        var code = failed.ErrorCode ?? "Unknown";
        try
        {
            var content = failed.GetRawResponse()?.Content;
            if (content is not null && content.ToMemory().Length > 0)
            {
                using var document = JsonDocument.Parse(content.ToMemory());
                if (document.RootElement.TryGetProperty("error", out var error))
                {
                    var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
                    if (error.TryGetProperty("code", out var c) && c.GetString() is { } c2)
                    {
                        code = c2;
                    }

                    return (code, message ?? FirstLine(failed.Message));
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the SDK's first line.
        }

        return (code, FirstLine(failed.Message));
    }

    private static string? ActionFromMessage(string message)
    {
        var match = ActionPattern().Match(message);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string ExtraPermissions(string type, string operation)
    {
        if (operation != "write")
        {
            return string.Empty;
        }

        return type.ToLowerInvariant() switch
        {
            "microsoft.network/privatednszones/virtualnetworklinks" => " (and 'Microsoft.Network/virtualNetworks/join/action' on the linked VNet)",
            "microsoft.network/privateendpoints/privatednszonegroups" => " (and 'Microsoft.Network/privateDnsZones/join/action' on the zone)",
            _ => string.Empty,
        };
    }

    private static string SuggestedRole(string type) => type.StartsWith("Microsoft.Network/privateDnsZones", StringComparison.OrdinalIgnoreCase)
        ? "for example 'Private DNS Zone Contributor' on the zone's resource group, plus 'Network Contributor' on VNets being linked"
        : type.StartsWith("Microsoft.Network", StringComparison.OrdinalIgnoreCase)
            ? "for example 'Network Contributor'"
            : "for example 'Reader' for checks, 'Contributor' for changes";

    internal static string TypeOf(string resourceId)
    {
        try
        {
            return new ResourceIdentifier(resourceId).ResourceType.ToString();
        }
        catch (FormatException)
        {
            return "resource";
        }
        catch (ArgumentException)
        {
            return "resource";
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.EndsWith('.') ? line : line + ".";
    }

    [GeneratedRegex("perform action '([^']+)'", RegexOptions.IgnoreCase)]
    private static partial Regex ActionPattern();
}
