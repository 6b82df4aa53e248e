using Chat.Server.Delivery;

namespace Chat.Server.Presence;

/// <summary>
/// Tells everyone who joined and who left, coalesced: a join is announced once the user has stayed
/// <see cref="JoinSettle"/>, a leave once they have been gone <see cref="LeaveGrace"/>. A page reload or a
/// reconnect (gone and back within the grace) makes no lines at all, and connections that come and go
/// faster than the settle time (a flood of new names) make none either. The online list
/// (<c>GetOnlineUsers</c>) is not delayed.
/// </summary>
internal sealed class PresenceAnnouncer(IPresence presence, Dispatcher dispatcher, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan JoinSettle = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LeaveGrace = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The user's first connection opened.</summary>
    public void Joined(string user) => Change(user, joined: true);

    /// <summary>The user's last connection closed.</summary>
    public void Left(string user) => Change(user, joined: false);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void Change(string user, bool joined)
    {
        lock (_lock)
        {
            if (_pending.Remove(user, out var pending) && pending.Joined != joined)
            {
                // Back before the leave was told, or gone before the join was: nobody needs to hear either.
                pending.Cancel.Cancel();
                return;
            }

            var next = new Pending(joined, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            _pending[user] = next;
            _ = AnnounceAsync(user, next);
        }
    }

    private async Task AnnounceAsync(string user, Pending pending)
    {
        try
        {
            await Task.Delay(pending.Joined ? JoinSettle : LeaveGrace, time, pending.Cancel.Token);
            lock (_lock)
            {
                if (!_pending.TryGetValue(user, out var current) || current != pending)
                {
                    return;
                }

                _pending.Remove(user);
            }

            // Across nodes the user may be back (or gone) elsewhere meanwhile: tell what is true now.
            var online = (await presence.OnlineUsersAsync()).Contains(user, StringComparer.Ordinal);
            if (pending.Joined && online)
            {
                dispatcher.Send(Audience.Everyone, nameof(IChatClient.UserJoined), user);
            }
            else if (!pending.Joined && !online)
            {
                dispatcher.Send(Audience.Everyone, nameof(IChatClient.UserLeft), user);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            pending.Cancel.Dispose();
        }
    }

    private sealed record Pending(bool Joined, CancellationTokenSource Cancel);
}
