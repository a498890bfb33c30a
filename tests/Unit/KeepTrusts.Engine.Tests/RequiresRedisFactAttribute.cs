using KeepTrusts.Testing.Redis;

namespace KeepTrusts.Engine.Tests;

/// <summary>A fact that needs redis-server: skipped with the reason outside CI when it is missing, run (and failing) inside CI.</summary>
public sealed class RequiresRedisFactAttribute : FactAttribute
{
    public RequiresRedisFactAttribute()
    {
        Skip = RedisServer.SkipReason;
    }
}
