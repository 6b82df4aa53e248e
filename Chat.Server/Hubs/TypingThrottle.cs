using System.Collections.Concurrent;

namespace Chat.Server.Hubs;

/// <summary>
/// Passes on at most one <c>Typing</c> per user per conversation per <see cref="Interval"/>, however many
/// connections the user has on this server; the rest are dropped. Entries older than the interval are
/// forgotten once a minute, so it holds only the typists of the last moments.
/// </summary>
internal sealed class TypingThrottle : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<(string User, string Conversation), long> _passed = new();
    private readonly TimeProvider _clock;
    private readonly ITimer _sweep;

    public TypingThrottle(TimeProvider clock)
    {
        _clock = clock;
        _sweep = clock.CreateTimer(_ => Sweep(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>True when <paramref name="user"/>'s typing in <paramref name="conversation"/> (a store key) is to be passed on now.</summary>
    public bool TryPass(string user, string conversation)
    {
        var now = _clock.GetTimestamp();
        var key = (user, conversation);
        while (true)
        {
            if (!_passed.TryGetValue(key, out var last))
            {
                if (_passed.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            if (_clock.GetElapsedTime(last, now) < Interval)
            {
                return false;
            }

            if (_passed.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }

    public void Dispose() => _sweep.Dispose();

    private void Sweep()
    {
        var now = _clock.GetTimestamp();
        foreach (var (key, last) in _passed)
        {
            if (_clock.GetElapsedTime(last, now) >= Interval)
            {
                _passed.TryRemove(KeyValuePair.Create(key, last));
            }
        }
    }
}
