namespace KeepTrusts.Module.Tests;

/// <summary>Module tests share one runspace and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ModuleCollection : ICollectionFixture<ModuleFixture>
{
    public const string Name = "KeepTrusts module";
}
