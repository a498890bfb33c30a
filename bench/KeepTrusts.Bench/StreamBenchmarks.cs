using BenchmarkDotNet.Attributes;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Bench;

/// <summary>The full chain on a streamed answer, per chunk (token-sized deltas as Azure sends them).</summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private PolicyChain _chain = null!;
    private string[] _chunks = [];

    [GlobalSetup]
    public void Setup()
    {
        _chain = SeedChain.Create();
        _chunks = SeedChain.BenignText(2048).Split(' ').Select(w => w + " ").ToArray();
    }

    /// <summary>One whole streamed answer of ~2 KB; divide by ChunkCount for the per-chunk cost.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    public string StreamAnswer()
    {
        var stream = _chain.CreateStream();
        var last = string.Empty;
        foreach (var chunk in _chunks)
        {
            last = stream.Push(chunk);
        }

        return last + stream.Flush();
    }

    [Benchmark]
    public string SingleChunk()
    {
        var stream = _chain.CreateStream();
        return stream.Push("the deployment serves ");
    }

    public int ChunkCount => _chunks.Length;
}
