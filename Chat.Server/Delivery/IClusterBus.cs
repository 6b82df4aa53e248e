using Chat.Server.History;

namespace Chat.Server.Delivery;

/// <summary>
/// How one server reaches the others when several share a history (Redis when scaled out); there is
/// none on a single server. Publishing never waits: what is lost on the way, the receivers fill in
/// from the history (committed messages) or do without (presence and other notices).
/// </summary>
internal interface IClusterBus
{
    /// <summary>False while the other servers cannot be reached (their messages are then read from the store).</summary>
    bool IsUp { get; }

    /// <summary>Tells the other servers what this one just committed.</summary>
    void PublishCommitted(IReadOnlyList<ChatMessage> batch);

    /// <summary>Sends a hub message to the other servers' connections in <paramref name="audience"/>.</summary>
    void Publish(Audience audience, Frame frame);

    /// <summary>
    /// Tells the other servers that <paramref name="user"/> joined or left <paramref name="room"/> (committed already),
    /// ahead of anything this server publishes after it.
    /// </summary>
    void PublishMembership(string user, string room, bool joined);
}

/// <summary>Who a hub message is for.</summary>
internal enum AudienceKind
{
    All,
    Connections,
    Users,

    /// <summary>The members of the room named first in <see cref="Audience.Names"/>.</summary>
    Room,
}

/// <param name="Names">Connection ids, user names or the room, by <paramref name="Kind"/>; for <see cref="AudienceKind.All"/>, connections left out.</param>
/// <param name="ExceptUser">A user whose connections are left out (the typist of <c>UserTyping</c>).</param>
internal readonly record struct Audience(AudienceKind Kind, IReadOnlyList<string> Names, string? ExceptUser = null)
{
    public static readonly Audience All = new(AudienceKind.All, []);
}
