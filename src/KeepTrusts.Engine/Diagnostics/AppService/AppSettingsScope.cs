using System.Text.Json;

namespace KeepTrusts.Engine.Diagnostics.AppService;

/// <summary>The settings of one deployment of an app: the production site or one slot (values stay in memory only).</summary>
internal sealed record AppSettingsScope(string? Slot, JsonElement? AppSettings, JsonElement? ConnectionStrings)
{
    /// <summary>"production" or "slot staging", as the evidence names it.</summary>
    public string Label => Slot is null ? "production" : "slot " + Slot;
}
