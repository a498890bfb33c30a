using KeepTrusts.Engine.Policies.Pii;
using KeepTrusts.Engine.Policies.PromptInjection;
using KeepTrusts.Engine.Policies.Safety;

namespace KeepTrusts.Engine.Tests.Policies;

public sealed class PatternConstructionTests
{
    [Fact]
    public void Every_detector_builds_its_patterns()
    {
        Assert.Equal(KeepTrusts.Engine.Configuration.PiiEntityNames.All.Order(), PiiRecognizers.All.Select(r => r.Entity).Distinct().Order());
        Assert.NotEmpty(InjectionSignals.All);
        Assert.NotEmpty(SafetyLexicon.Rules);
    }
}
