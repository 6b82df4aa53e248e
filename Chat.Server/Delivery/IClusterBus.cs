namespace Chat.Server.Delivery;

/// <summary>
/// How one server reaches the others when several share a history (Redis when scaled out; <see cref="NoClusterBus"/>
/// on a single server). Publishing never waits: what is lost on the way, the receivers fill in from the history
/// (committed messages) or do without (presence and other notices).
/// </summary>
internal interface IClusterBus
{
    /// <summary>False on a single server: there are no others to hear from, and no store to poll for their messages.</summary>
    bool Clustered { get; }

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

    /// <summary>Tells the other servers that <paramref name="room"/>'s rules (privacy, topic, roles, bans, mutes) changed (committed already).</summary>
    void PublishRoomChanged(string room);
}

/// <summary>A single server's bus: there is nobody to tell.</summary>
internal sealed class NoClusterBus : IClusterBus
{
    public bool Clustered => false;

    public bool IsUp => true;

    public void PublishCommitted(IReadOnlyList<ChatMessage> batch)
    {
    }

    public void Publish(Audience audience, Frame frame)
    {
    }

    public void PublishMembership(string user, string room, bool joined)
    {
    }

    public void PublishRoomChanged(string room)
    {
    }
}
