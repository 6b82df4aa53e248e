using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Chat's counters from its <c>/metrics</c> (commits, messages, writes to connections; the runtime's garbage
/// collections, JIT and thread pool), read before and after a run, so a run's line can say how the server
/// batched it and what else it spent its time on.
/// The bare hub has no such endpoint; for it every reading is null.
/// </summary>
internal sealed record ServerCounters(
    double Accepted, double Commits, double CommitSeconds, double Writes, double Delivered, double SlowCommits, double Gen0, double Gen1, double Gen2, double GcPause, double Jit, double Allocated, double WorkItems)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// Reads the endpoint a few times before the warm-up, so that compiling the exporter's code (first quickly,
    /// then optimized once it is called often) happens before the measured run, not in it.
    /// </summary>
    public static async Task WarmUpAsync(BenchServer server, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 5; i++)
        {
            await ReadAsync(server, cancellationToken);
            await Task.Delay(200, cancellationToken);
        }
    }

    public static async Task<ServerCounters?> ReadAsync(BenchServer server, CancellationToken cancellationToken)
    {
        if (server.Kind != ServerKind.Chat)
        {
            return null;
        }

        var text = await Http.GetStringAsync(new Uri(server.Url, "metrics"), cancellationToken);
        return new ServerCounters(
            Sum(text, "chat_messages_accepted_total"),
            Sum(text, "chat_history_commit_batch_count"),
            Sum(text, "chat_history_commit_duration_seconds_sum"),
            Sum(text, "chat_connection_writes_total"),
            Sum(text, "chat_messages_delivered_total"),
            Sum(text, "chat_history_commit_duration_seconds_count") - Sum(text, "chat_history_commit_duration_seconds_bucket", "le=\"0.005\""),
            Sum(text, "dotnet_gc_collections_total", "\"gen0\""),
            Sum(text, "dotnet_gc_collections_total", "\"gen1\""),
            Sum(text, "dotnet_gc_collections_total", "\"gen2\""),
            Sum(text, "dotnet_gc_pause_time_seconds_total"),
            Sum(text, "dotnet_jit_compilation_time_seconds_total"),
            Sum(text, "dotnet_gc_heap_total_allocated_bytes_total"),
            Sum(text, "dotnet_thread_pool_work_item_count_total"));
    }

    /// <summary>
    /// Where Chat's memory is now, in bytes: its managed heap as the last collection left it, what the collector kept
    /// committed then, and the bytes Kestrel's block pool holds for reuse (null for the bare hub).
    /// </summary>
    public static async Task<ServerMemory?> MemoryAsync(BenchServer server, CancellationToken cancellationToken)
    {
        if (server.Kind != ServerKind.Chat)
        {
            return null;
        }

        var text = await Http.GetStringAsync(new Uri(server.Url, "metrics"), cancellationToken);
        return new ServerMemory(
            server.ResidentBytes(),
            Sum(text, "dotnet_gc_last_collection_heap_size_bytes"),
            Sum(text, "dotnet_gc_last_collection_memory_committed_size_bytes"),
            Sum(text, "aspnetcore_memory_pool_pooled_bytes"));
    }

    /// <summary>What happened between two readings (null for the bare hub).</summary>
    public static ServerCounters? Between(ServerCounters? before, ServerCounters? after) => before is null || after is null
        ? null
        : new(
            after.Accepted - before.Accepted, after.Commits - before.Commits, after.CommitSeconds - before.CommitSeconds, after.Writes - before.Writes, after.Delivered - before.Delivered, after.SlowCommits - before.SlowCommits,
            after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.GcPause - before.GcPause, after.Jit - before.Jit, after.Allocated - before.Allocated,
            after.WorkItems - before.WorkItems);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"server: {Accepted / Math.Max(1, Commits):F1} messages per commit, {Delivered / Math.Max(1, Writes):F1} per write, commits {CommitSeconds * 1000 / Math.Max(1, Commits):F2} ms on average, {SlowCommits:N0} of {Commits:N0} over 5 ms; GCs {Gen0:N0}/{Gen1:N0}/{Gen2:N0} ({GcPause * 1000:F0} ms), JIT {Jit * 1000:F0} ms, {Allocated / 1e6:F0} MB allocated, {WorkItems:N0} pool work items");

    /// <summary>The sum of every series of <paramref name="name"/> (one per set of tags, or those with <paramref name="label"/>) in Prometheus text.</summary>
    private static double Sum(string text, string name, string? label = null)
    {
        var sum = 0.0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name) && line.Length > name.Length && line[name.Length] is ' ' or '{' && (label is null || line.Contains(label, StringComparison.Ordinal)))
            {
                var value = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : name.Length)..].Trim();
                var end = value.IndexOf(' ');
                sum += double.Parse(end < 0 ? value : value[..end], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}

/// <summary>Chat's memory at one moment, in bytes (see <see cref="ServerCounters.MemoryAsync"/>).</summary>
internal sealed record ServerMemory(double Resident, double Heap, double Committed, double Pooled)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RSS {Resident / Mib:F0}, GC heap {Heap / Mib:F0}, GC committed {Committed / Mib:F0}, Kestrel pool {Pooled / Mib:F0} MiB");

    private const double Mib = 1024 * 1024;
}
