using BenchmarkDotNet.Attributes;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Bench;

/// <summary>The full chain on a streamed answer, per chunk (token-sized deltas as Azure sends them).</summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private PolicyChain _chain = null!;
    private string[] _chunks = [];
    private string[] _tokens = [];

    [GlobalSetup]
    public void Setup()
    {
        _chain = SeedChain.Create();
        _chunks = SeedChain.BenignText(2048).Split(' ').Select(w => w + " ").ToArray();

        // Token-sized deltas the way Azure streams them: a leading space, and long words cut mid-word (" deploy", "ments"),
        // so the filters hold a partial word on most pushes.
        _tokens = SeedChain.BenignText(2048).Split(' ')
            .SelectMany(w => w.Length <= 5 ? [" " + w] : new[] { " " + w[..4], w[4..] })
            .ToArray();
    }

    /// <summary>One whole streamed answer of ~2 KB; divide by ChunkCount for the per-chunk cost.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    public string StreamAnswer() => Stream(_chunks);

    /// <summary>The same answer as token-sized deltas that split words; divide by TokenCount for the per-delta cost.</summary>
    [Benchmark]
    public string StreamAnswerTokens() => Stream(_tokens);

    [Benchmark]
    public string SingleChunk()
    {
        var stream = _chain.CreateStream();
        return stream.Push("the deployment serves ");
    }

    public int ChunkCount => _chunks.Length;

    public int TokenCount => _tokens.Length;

    private string Stream(string[] deltas)
    {
        var stream = _chain.CreateStream();
        var last = string.Empty;
        foreach (var delta in deltas)
        {
            last = stream.Push(delta);
        }

        return last + stream.Flush();
    }
}
