namespace Chat.Server.Delivery;

/// <summary>Who a server-to-client call is for.</summary>
internal enum AudienceKind
{
    /// <summary>Every connection.</summary>
    Everyone,

    /// <summary>A conversation as its members see it: <c>general</c> is everyone, a room its members, a direct conversation its two users.</summary>
    Conversation,

    /// <summary>Every connection of some users.</summary>
    Users,

    /// <summary>Some connections, by id.</summary>
    Connections,

    /// <summary>
    /// Those who hear of a user's arrival or departure above the broadcast limit: the connections that share one of the
    /// user's rooms or a direct conversation with them, or watch them; never the user's own.
    /// </summary>
    Presence,
}

/// <summary>
/// Who a server-to-client call is for, on every node: the one place that knows what a conversation's audience is
/// (<see cref="Dispatcher"/> resolves it to this node's connections; the cluster bus carries it to the others).
/// </summary>
/// <param name="Names">The conversation's key, the users, or the connection ids, by <paramref name="Kind"/>; for presence, the user and then their direct peers.</param>
/// <param name="ExceptUser">A user whose connections are left out (the typist of <c>UserTyping</c>).</param>
/// <param name="ExceptConnections">Connections left out (SignalR's <c>Clients.AllExcept</c>).</param>
/// <param name="Rooms">For presence, the user's rooms.</param>
internal sealed record Audience(
    AudienceKind Kind, IReadOnlyList<string> Names, string? ExceptUser = null, IReadOnlyList<string>? ExceptConnections = null, IReadOnlyList<string>? Rooms = null)
{
    public static readonly Audience Everyone = new(AudienceKind.Everyone, []);

    /// <summary>The conversation's key (<see cref="Rooms.Conversation"/>) of a <see cref="AudienceKind.Conversation"/> audience.</summary>
    public string Key => Names[0];

    /// <summary>The members of the conversation <paramref name="key"/> (a store key), but <paramref name="exceptUser"/>'s connections.</summary>
    public static Audience Conversation(string key, string? exceptUser = null) => new(AudienceKind.Conversation, [key], exceptUser);

    public static Audience User(string user) => new(AudienceKind.Users, [user]);

    public static Audience Users(IReadOnlyList<string> users) => new(AudienceKind.Users, users);

    public static Audience Connections(IReadOnlyList<string> connectionIds) => new(AudienceKind.Connections, connectionIds);

    /// <summary>Those who hear of <paramref name="user"/>'s arrival or departure: members of <paramref name="rooms"/>, <paramref name="peers"/>, and the user's watchers.</summary>
    public static Audience Presence(string user, IReadOnlyList<string> rooms, IReadOnlyList<string> peers) =>
        new(AudienceKind.Presence, [user, .. peers], Rooms: rooms);

    public static Audience EveryoneExcept(IReadOnlyList<string> connectionIds, string? exceptUser = null) =>
        new(AudienceKind.Everyone, [], exceptUser, connectionIds.Count == 0 ? null : connectionIds);
}
