using BenchmarkDotNet.Attributes;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Bench;

/// <summary>The full seed chain on a chat request's text, by size: the cost should grow linearly.</summary>
[MemoryDiagnoser]
public class ChainBenchmarks
{
    private PolicyChain _chain = null!;
    private PolicyChain _heuristicsOnly = null!;
    private string _lowered = string.Empty;
    private string _text = string.Empty;
    private string _withPii = string.Empty;

    [Params(1024, 2048, 8192, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chain = SeedChain.Create();
        _heuristicsOnly = SeedChain.Create(classifier: "off");
        _text = SeedChain.BenignText(Size);
        _lowered = _text.ToLowerInvariant();
        _withPii = _text[..(Size / 2)] + " mail jane.doe@contoso.com card 4111 1111 1111 1111 " + _text[(Size / 2)..];
    }

    [Benchmark(Baseline = true)]
    public ChainResult BenignRequest() => _chain.RunRequest([new TextSegment("messages[0].content", "user", _text)]);

    /// <summary>The same chain with prompt-injection's learned layer off: the difference is the model's cost.</summary>
    [Benchmark]
    public ChainResult BenignRequestHeuristicsOnly() => _heuristicsOnly.RunRequest([new TextSegment("messages[0].content", "user", _text)]);

    /// <summary>The learned layer alone on already normalized text: featurize, sum weights per window, take the highest.</summary>
    [Benchmark]
    public double ModelOnly() => InjectionModelFile.Builtin.Probability(_lowered);

    [Benchmark]
    public ChainResult RequestWithPii() => _chain.RunRequest([new TextSegment("messages[0].content", "user", _withPii)]);
}
