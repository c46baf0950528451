using BenchmarkDotNet.Running;
using Loyalty.Campaigns.Benchmarks;

// dotnet run -c Release --project benchmarks/Loyalty.Campaigns.Benchmarks   (or benchmarks/run.sh rules)
// --loop N evaluates N times without BenchmarkDotNet and prints the user CPU time and the bytes allocated per
// evaluation: on a busy machine, compare versions by CPU time in alternating runs rather than by wall time.
//   dotnet …/bin/Release/net10.0/Loyalty.Campaigns.Benchmarks.dll --loop 200000
if (args is ["--loop", var count])
{
    var benchmark = new EarningRulesBenchmark();
    benchmark.Setup();
    var n = int.Parse(count, System.Globalization.CultureInfo.InvariantCulture);
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var cpuBefore = Environment.CpuUsage.UserTime;
    long sum = 0;
    for (var i = n; i > 0; i--)
    {
        sum += benchmark.Evaluate_5_lines_50_rules();
    }

    var perEvaluation = n == 0 ? 0 : (Environment.CpuUsage.UserTime - cpuBefore).TotalMicroseconds / n;
    var bytes = n == 0 ? 0 : (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / n;
    Console.WriteLine($"{n} evaluations (points {sum}): {perEvaluation:F2} µs user CPU and {bytes} bytes allocated per evaluation");
    return;
}

// --send N HOST PORT renders and sends N campaign emails to a local SMTP sink (see SendBenchmark).
if (args is ["--send", var emails, var host, var port])
{
    await SendBenchmark.RunAsync(
        int.Parse(emails, System.Globalization.CultureInfo.InvariantCulture), host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EarningRulesBenchmark).Assembly).Run(args);
