using System.Collections.Concurrent;

namespace Chat.Server.Operations;

/// <summary>
/// Keeps a flood of alike log lines (one client's refused calls, a store that keeps failing) from flooding the
/// disk: the first line of a kind is written, the others of that kind within <see cref="Window"/> are counted,
/// and one summary line per window says how many were left out. A kind is a key chosen by the caller (a
/// connection and a cause, say); its state is what the summary line needs.
/// </summary>
internal sealed class LogThrottle<TState> : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Kind> _kinds = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly Action<TState, int, TimeSpan> _summarize;
    private readonly ITimer _flush;

    /// <param name="summarize">Writes the summary line: the state of the kind, how many lines were left out, over how long.</param>
    public LogThrottle(TimeProvider clock, Action<TState, int, TimeSpan> summarize)
    {
        _clock = clock;
        _summarize = summarize;
        _flush = clock.CreateTimer(_ => Flush(), null, Window, Window);
    }

    /// <summary>True when a line of this kind is to be written now; false when it is counted for the summary instead.</summary>
    public bool Allow(string key, TState state)
    {
        var now = _clock.GetTimestamp();
        var kind = _kinds.GetOrAdd(key, static (_, arguments) => new Kind(arguments.state, arguments.now), (state, now));
        lock (kind)
        {
            if (kind.Fresh)
            {
                kind.Fresh = false;
                return true;
            }

            if (kind.Suppressed == 0 && _clock.GetElapsedTime(kind.Since, now) >= Window)
            {
                kind.Since = now;
                return true;
            }

            kind.State = state;
            kind.Suppressed++;
            return false;
        }
    }

    public void Dispose() => _flush.Dispose();

    /// <summary>Writes the summaries of the kinds whose window is over, and forgets the kinds that went quiet.</summary>
    private void Flush()
    {
        var now = _clock.GetTimestamp();
        foreach (var (key, kind) in _kinds)
        {
            int suppressed;
            TimeSpan span;
            lock (kind)
            {
                span = _clock.GetElapsedTime(kind.Since, now);
                if (span < Window)
                {
                    continue;
                }

                suppressed = kind.Suppressed;
                kind.Suppressed = 0;
                kind.Since = now;
            }

            if (suppressed > 0)
            {
                _summarize(kind.State, suppressed, span);
            }
            else
            {
                _kinds.TryRemove(KeyValuePair.Create(key, kind));
            }
        }
    }

    private sealed class Kind(TState state, long since)
    {
        public TState State { get; set; } = state;

        public long Since { get; set; } = since;

        public int Suppressed { get; set; }

        public bool Fresh { get; set; } = true;
    }
}
