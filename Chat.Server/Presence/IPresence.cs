namespace Chat.Server.Presence;

/// <summary>Who is online: users with at least one open connection.</summary>
public interface IPresence
{
    /// <summary>Records a connection; true when it is the user's first, so others should hear that they joined.</summary>
    ValueTask<bool> ConnectedAsync(string user, string connectionId);

    /// <summary>Forgets a connection; true when it was the user's last, so others should hear that they left.</summary>
    ValueTask<bool> DisconnectedAsync(string user, string connectionId);

    /// <summary>Online users in ordinal order, each once.</summary>
    ValueTask<string[]> OnlineUsersAsync();

    /// <summary>Those of <paramref name="users"/> who are online, in ordinal order, each once.</summary>
    ValueTask<string[]> OnlineAmongAsync(IReadOnlyCollection<string> users);

    /// <summary>How many users are online.</summary>
    ValueTask<int> CountAsync();
}
