using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(KeepTrusts.Bench.ChainBenchmarks).Assembly).Run(args);
