using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// The whole machine's CPU time from <c>/proc/stat</c> (Linux only), to tell how much of a shared machine's CPU
/// went to processes other than the benchmark's own between two readings.
/// </summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in clock ticks, summed over the CPUs.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return new MachineCpu(total - fields[3] - fields[4], total);
    }

    /// <summary>Cores busy on average since <paramref name="earlier"/> (0 to the machine's CPU count).</summary>
    public double CoresBusySince(MachineCpu earlier) =>
        Total == earlier.Total ? 0 : (double)(Busy - earlier.Busy) / (Total - earlier.Total) * Environment.ProcessorCount;
}
