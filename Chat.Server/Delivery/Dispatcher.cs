using Chat.Server.Presence;
using Chat.Server.Rooms;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Server.Delivery;

/// <summary>
/// The one way out of the server: every server-to-client call leaves through here, whoever makes it (the hub's
/// <c>Clients</c> through <see cref="ChatLifetimeManager"/>, the sequencer's committed messages, presence, or
/// another node over the cluster bus). It resolves an <see cref="Audience"/> to this server's connections
/// (<see cref="ConnectionRegistry"/>, <see cref="RoomIndex"/>) and hands the frame to their outboxes, which never
/// wait for a client; it tells the other nodes through the <see cref="IClusterBus"/>. A direct conversation's two
/// users each see it under the other's name, so each gets a frame of their own. Runs on the caller's thread.
/// </summary>
internal sealed class Dispatcher(ConnectionRegistry connections, RoomIndex rooms, Watchers watchers, IClusterBus bus)
{
    /// <summary>A hub call to <paramref name="audience"/> on every node; a conversation's key among the arguments is shown as each receiver sees it.</summary>
    public void Send(Audience audience, string method, params object?[] args) =>
        Dispatch(audience, viewer => Frame.Invocation(method, viewer is null ? args : ViewedBy(args, audience.Key, viewer)), publish: true);

    /// <summary>A new message is received; a changed one (with a version) is updated.</summary>
    private static string MethodFor(ChatMessage message) => message.Version is null ? nameof(IChatClient.ReceiveMessage) : nameof(IChatClient.MessageUpdated);

    /// <summary>
    /// Committed messages and changes of one conversation, in position order, to its members here only: every node's sequencer releases
    /// what was committed, wherever, to its own connections.
    /// </summary>
    public void SendCommitted(string key, IReadOnlyList<ChatMessage> run, int bytes) =>
        Dispatch(
            Audience.Conversation(key),
            viewer => Frame.Run([.. run.Select(message => new InvocationMessage(MethodFor(message), [Conversation.ForViewer(message, viewer)]))], bytes),
            publish: false);

    /// <summary>A hub call another node sent to this node's connections in <paramref name="audience"/>.</summary>
    public void DeliverFromCluster(Audience audience, Frame frame) => DeliverHere(audience, frame);

    private void Dispatch(Audience audience, Func<string?, Frame> frameFor, bool publish)
    {
        if (audience.Kind == AudienceKind.Conversation && Conversation.TryParseDirect(audience.Key, out var first, out var second))
        {
            foreach (var viewer in first == second ? [first] : (string[])[first, second])
            {
                if (viewer != audience.ExceptUser)
                {
                    Dispatch(Audience.User(viewer), _ => frameFor(viewer), publish);
                }
            }

            return;
        }

        var frame = frameFor(null);
        DeliverHere(audience, frame);
        if (!publish)
        {
            return;
        }

        if (audience.Kind != AudienceKind.Connections)
        {
            bus.Publish(audience, frame);
        }
        else if (audience.Names.Where(id => !connections.IsHere(id)).ToArray() is { Length: > 0 } elsewhere)
        {
            bus.Publish(Audience.Connections(elsewhere), frame);
        }
    }

    /// <summary>The general/room/direct distinction, once: which connections here an audience means.</summary>
    private void DeliverHere(Audience audience, Frame frame)
    {
        switch (audience.Kind)
        {
            case AudienceKind.Everyone:
                connections.ToAll(frame, audience.ExceptConnections, audience.ExceptUser);
                break;
            case AudienceKind.Conversation when audience.Key == Conversation.General:
                connections.ToAll(frame, exceptUser: audience.ExceptUser);
                break;
            case AudienceKind.Conversation:
                rooms.ToRoom(audience.Key, frame, audience.ExceptUser);
                break;
            case AudienceKind.Users:
                connections.ToUsers(audience.Names, frame);
                break;
            case AudienceKind.Connections:
                connections.ToConnections(audience.Names, frame);
                break;
            case AudienceKind.Presence:
                ToPresenceAudience(audience, frame);
                break;
        }
    }

    /// <summary>Each connection here that shares a room or direct conversation with the user, or watches them, once.</summary>
    private void ToPresenceAudience(Audience audience, Frame frame)
    {
        var user = audience.Names[0];
        var outboxes = new HashSet<Outbox>();
        foreach (var room in audience.Rooms ?? [])
        {
            outboxes.UnionWith(rooms.Members(room));
        }

        for (var i = 1; i < audience.Names.Count; i++)
        {
            outboxes.UnionWith(connections.Of(audience.Names[i]));
        }

        watchers.AddWatchersOf(user, outboxes);
        foreach (var outbox in outboxes)
        {
            if (outbox.Connection.UserIdentifier != user)
            {
                outbox.Send(frame);
            }
        }
    }

    /// <summary>The arguments as <paramref name="viewer"/> sees them: the conversation's key, alone or as a message's room, under their name for it.</summary>
    private static object?[] ViewedBy(object?[] args, string key, string viewer) =>
        [.. args.Select(arg => arg switch
        {
            string text when text == key => Conversation.ForViewer(key, viewer),
            ChatMessage message => Conversation.ForViewer(message, viewer),
            _ => arg,
        })];
}
