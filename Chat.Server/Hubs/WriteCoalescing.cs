using System.IO.Pipelines;

namespace Chat.Server.Hubs;

/// <summary>
/// Lets one thread write several messages to many connections and flush each connection once at the
/// end. Inside <see cref="Begin"/>, a connection's flush only marks it; <see cref="Scope.Complete"/> (or
/// disposing the scope) flushes every marked connection. A batch of messages then leaves as one WebSocket frame per connection instead of
/// one per message, which saves a wake-up and a send on both ends for every message after the first.
/// The scope must not span an await: it belongs to the thread that began it.
/// </summary>
internal static class WriteCoalescing
{
    [ThreadStatic]
    private static Scope? t_current;

    /// <summary>The scope open on this thread, if any.</summary>
    public static Scope? Current => t_current;

    public static Scope Begin()
    {
        if (t_current is not null)
        {
            throw new InvalidOperationException("A write-coalescing scope is already open on this thread.");
        }

        return t_current = new Scope();
    }

    /// <summary>Connections written to inside the scope, flushed when it completes.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly List<IDeferredFlush> _marked = [];

        public void Mark(IDeferredFlush output) => _marked.Add(output);

        public void Dispose() => _ = Complete();

        /// <summary>Closes the scope and flushes the marked connections; the task ends when those that were full have room (or stop being waited for).</summary>
        public Task Complete()
        {
            if (t_current != this)
            {
                return Task.CompletedTask;
            }

            t_current = null;
            List<Task>? waiting = null;
            foreach (var output in _marked)
            {
                var flush = output.FlushDeferred();
                if (!flush.IsCompletedSuccessfully)
                {
                    (waiting ??= []).Add(flush.AsTask());
                }
            }

            return waiting is null ? Task.CompletedTask : Task.WhenAll(waiting);
        }
    }
}

/// <summary>An output whose flush can wait for the end of a <see cref="WriteCoalescing"/> scope.</summary>
internal interface IDeferredFlush
{
    ValueTask<FlushResult> FlushDeferred();
}
