using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.AppService;

/// <summary>
/// Reads an App Service's (or Function App's) app settings and connection strings through their list actions
/// (POST …/config/appsettings/list, …/config/connectionstrings/list), for the site and each deployment slot.
/// A 403 is recorded as <see cref="AppServiceSettings.Denied"/>: listing settings needs more than Reader, and that
/// is a reason to skip the check, not an error.
/// </summary>
internal static class AppServiceSettingsReader
{
    public static async Task<AppServiceSettings> ReadAsync(IArmReader arm, string appId, CancellationToken cancellationToken)
    {
        var settings = new AppServiceSettings();
        try
        {
            var production = ReadScopeAsync(arm, appId, null, cancellationToken);
            var slots = await arm.ListAsync(appId, "slots", cancellationToken).ConfigureAwait(false);
            var slotNames = slots.Select(s => ((JsonElement?)s).Str("name")).Where(n => n is not null).Select(n => n!.Split('/').Last()).ToList();
            settings.SlotsNotRead = Math.Max(0, slotNames.Count - AppServiceSettings.MaxSlots);
            var slotScopes = slotNames.Take(AppServiceSettings.MaxSlots)
                .Select(slot => ReadScopeAsync(arm, $"{appId}/slots/{slot}", slot, cancellationToken))
                .ToList();
            settings.Scopes.Add(await production.ConfigureAwait(false));
            foreach (var scope in slotScopes)
            {
                settings.Scopes.Add(await scope.ConfigureAwait(false));
            }
        }
        catch (ArmRequestException ex) when (ex.Kind == ArmErrorKind.Forbidden)
        {
            settings.Denied = ex;
            settings.Scopes.Clear();
        }

        return settings;
    }

    private static async Task<AppSettingsScope> ReadScopeAsync(IArmReader arm, string siteOrSlotId, string? slot, CancellationToken cancellationToken)
    {
        var appSettings = arm.PostActionAsync(siteOrSlotId + "/config/appsettings", "list", cancellationToken);
        var connectionStrings = arm.PostActionAsync(siteOrSlotId + "/config/connectionstrings", "list", cancellationToken);
        return new AppSettingsScope(
            slot,
            (await appSettings.ConfigureAwait(false)).Obj("properties"),
            (await connectionStrings.ConfigureAwait(false)).Obj("properties"));
    }
}
