using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Rooms;
using Microsoft.Extensions.Options;

namespace Chat.Server.Presence;

/// <summary>
/// Tells who joined and who left, coalesced: a join is announced once the user has stayed
/// <see cref="JoinSettle"/>, a leave once they have been gone <see cref="LeaveGrace"/>. A page reload or a
/// reconnect (gone and back within the grace) makes no lines at all, and connections that come and go
/// faster than the settle time (a flood of new names) make none either. The online list
/// (<c>GetOnlineUsers</c>) is not delayed. While at most <c>Chat:Presence:BroadcastLimit</c> users are online,
/// everyone hears; above it, only those who share a room or direct conversation with the user or watch them, so
/// that one arrival costs what its audience costs, not what the server holds.
/// </summary>
internal sealed partial class PresenceAnnouncer(
    IPresence presence, IHistoryStore store, Dispatcher dispatcher, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceAnnouncer> logger) : IDisposable
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

    /// <summary>Tells those who should hear it, now, that <paramref name="user"/> joined or left (as the cluster's heartbeat found).</summary>
    public async Task AnnounceAsync(string user, bool joined)
    {
        var audience = Audience.Everyone;
        if (await presence.CountAsync() > options.Value.BroadcastLimit)
        {
            try
            {
                var conversations = await store.ConversationsOfAsync(user, _stopping.Token);
                var rooms = conversations.Where(key => !Conversation.IsDirect(key)).ToArray();
                var peers = conversations.Select(key => Conversation.TryParseDirect(key, out var first, out var second) ? (first == user ? second : first) : null)
                    .OfType<string>().Where(peer => peer != user).ToArray();
                audience = Audience.Presence(user, rooms, peers);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Without the user's conversations, only their watchers can be told.
                LogConversationsUnknown(exception, user);
                audience = Audience.Presence(user, [], []);
            }
        }

        dispatcher.Send(audience, joined ? nameof(IChatClient.UserJoined) : nameof(IChatClient.UserLeft), user);
    }

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
            _ = AnnounceLaterAsync(user, next);
        }
    }

    private async Task AnnounceLaterAsync(string user, Pending pending)
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
            var online = (await presence.OnlineAmongAsync([user])).Length == 1;
            if (pending.Joined == online)
            {
                await AnnounceAsync(user, pending.Joined);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the conversations of {User}; only their watchers hear that they came or went")]
    private partial void LogConversationsUnknown(Exception exception, string user);

    private sealed record Pending(bool Joined, CancellationTokenSource Cancel);
}
