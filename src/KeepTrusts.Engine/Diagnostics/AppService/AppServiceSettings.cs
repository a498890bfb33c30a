using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.AppService;

/// <summary>What was read of an app's settings: one scope per deployment, or why they could not be read.</summary>
internal sealed class AppServiceSettings
{
    /// <summary>Slots beyond this are not read (each costs two POSTs); the evidence says how many were left out.</summary>
    public const int MaxSlots = 10;

    public List<AppSettingsScope> Scopes { get; } = [];

    /// <summary>403 on config/list: the identity lacks Microsoft.Web/sites/config/list/action (Reader does not have it).</summary>
    public ArmRequestException? Denied { get; set; }

    public int SlotsNotRead { get; set; }
}
