using KeepTrusts.Testing.Storage;

namespace KeepTrusts.Engine.Tests;

/// <summary>A fact that needs Azurite: skipped with the install command outside CI when it is missing, run (and failing) inside CI.</summary>
public sealed class RequiresAzuriteFactAttribute : FactAttribute
{
    public RequiresAzuriteFactAttribute()
    {
        Skip = AzuriteServer.SkipReason;
    }
}
