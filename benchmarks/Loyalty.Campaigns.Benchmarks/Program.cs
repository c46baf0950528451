using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Loyalty.Campaigns.Benchmarks   (or benchmarks/run.sh rules)
BenchmarkSwitcher.FromAssembly(typeof(Loyalty.Campaigns.Benchmarks.EarningRulesBenchmark).Assembly).Run(args);
