using System.Globalization;

namespace Loyalty.Benchmarks;

/// <summary>
/// CPU time (user + system) spent by the host processes (one per node) and by all PostgreSQL server processes, read
/// from /proc. Per request it tells where the work goes, and unlike throughput it hardly changes when other work shares
/// the machine.
/// </summary>
public sealed class CpuMeter(params int[] hostProcessIds)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on Linux

    public readonly record struct Reading(TimeSpan Host, TimeSpan Database);

    public Reading Read() => new(hostProcessIds.Aggregate(TimeSpan.Zero, (sum, id) => sum + CpuOf(id)), DatabaseCpu());

    private static TimeSpan DatabaseCpu()
    {
        var total = TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() == "postgres")
                {
                    total += CpuOf(pid);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return total;
    }

    private static TimeSpan CpuOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may hold spaces: utime is field 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
