using BenchmarkDotNet.Attributes;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Bench;

/// <summary>The full seed chain on a chat request's text, by size: the cost should grow linearly.</summary>
[MemoryDiagnoser]
public class ChainBenchmarks
{
    private PolicyChain _chain = null!;
    private string _text = string.Empty;
    private string _withPii = string.Empty;

    [Params(1024, 2048, 8192, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chain = SeedChain.Create();
        _text = SeedChain.BenignText(Size);
        _withPii = _text[..(Size / 2)] + " mail jane.doe@contoso.com card 4111 1111 1111 1111 " + _text[(Size / 2)..];
    }

    [Benchmark(Baseline = true)]
    public ChainResult BenignRequest() => _chain.RunRequest([new TextSegment("messages[0].content", "user", _text)]);

    [Benchmark]
    public ChainResult RequestWithPii() => _chain.RunRequest([new TextSegment("messages[0].content", "user", _withPii)]);
}
