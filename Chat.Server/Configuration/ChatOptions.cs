namespace Chat.Server.Configuration;

/// <summary>The <c>Chat</c> configuration section; every key is documented in the README.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Longest accepted message text, in characters.</summary>
    public int MaxMessageLength { get; set; } = 2000;

    /// <summary>Largest incoming SignalR frame; a larger one closes that connection.</summary>
    public long MaxFrameBytes { get; set; } = 32 * 1024;

    /// <summary>Lets anyone run /clear when sign-in is off (with sign-in, only the admin role may).</summary>
    public bool AllowClearWithoutSignIn { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();

    public ConnectionLimitOptions Limits { get; set; } = new();

    public HistoryOptions History { get; set; } = new();

    public RoomOptions Rooms { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public SlowClientOptions SlowClient { get; set; } = new();

    /// <summary>A Redis connection string; when set, nodes share messages and presence through it (scale-out).</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis channel and key Chat uses, so several deployments can share one Redis.</summary>
    public string RedisPrefix { get; set; } = "chat";

    /// <summary>Browser origins, besides the server's own, allowed to connect (CORS with credentials).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// The origins users reach this server at (e.g. https://chat.example.com). When set, they are "the server's
    /// own" for the origin check, instead of whatever Host a request claims (a DNS-rebinding page claims its own).
    /// </summary>
    public string[] PublicOrigins { get; set; } = [];

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For/Proto/Host headers are trusted; none by default.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>When set, <c>/metrics</c> answers only requests with <c>Authorization: Bearer</c> and this token.</summary>
    public string? MetricsToken { get; set; }
}

public sealed class AuthOptions
{
    /// <summary>HS256 key (its UTF-8 bytes, at least 32); when set, every connection needs a token.</summary>
    public string? SigningKey { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(SigningKey);
}

/// <summary>Budgets for hub calls, per user (shared by all of a user's connections; per connection for a guest).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained sends per second; 0 turns the send budget off.</summary>
    public int PerSecond { get; set; } = 10;

    /// <summary>Sends that may be made at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 20;

    /// <summary>History messages and online names that may be fetched per second; 0 turns the read budget off.</summary>
    public int ReadsPerSecond { get; set; } = 2000;

    /// <summary>Messages and names that may be fetched at once (a catch-up of several pages) before the sustained rate applies.</summary>
    public int ReadBurst { get; set; } = 10_000;
}

/// <summary>Connection limits per client address (the forwarded one behind a trusted proxy) and per server; 0 turns one off.</summary>
public sealed class ConnectionLimitOptions
{
    /// <summary>Open hub connections from one address (an office behind one NAT may need many).</summary>
    public int ConnectionsPerAddress { get; set; } = 1000;

    /// <summary>New hub connections per second from one address, after a burst of <see cref="ConnectBurst"/>.</summary>
    public int ConnectsPerSecond { get; set; } = 100;

    public int ConnectBurst { get; set; } = 500;

    /// <summary>Open hub connections on this server.</summary>
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>At least one of the limits is on.</summary>
    public bool Any => ConnectionsPerAddress > 0 || ConnectsPerSecond > 0 || MaxConnections > 0;
}

public sealed class HistoryOptions
{
    /// <summary>How many of the newest messages the store keeps.</summary>
    public int MaxMessages { get; set; } = 10_000;
}

/// <summary>Limits on rooms (direct conversations are not rooms and need no join).</summary>
public sealed class RoomOptions
{
    /// <summary>Rooms one user may be a member of.</summary>
    public int MaxPerUser { get; set; } = 100;

    /// <summary>Rooms that may exist on the server; joining a new name past it is refused.</summary>
    public int MaxRooms { get; set; } = 10_000;

    /// <summary>New rooms one user may create in 24 hours.</summary>
    public int CreatePerUserPerDay { get; set; } = 20;

    /// <summary>Direct conversations one user may have; a first message to another user past it is refused.</summary>
    public int MaxDirectPerUser { get; set; } = 1000;

    /// <summary>Days a room may stay without members before it is removed with its messages (so its name and place free up).</summary>
    public int EmptyRoomDays { get; set; } = 30;
}

public sealed class SlowClientOptions
{
    /// <summary>Bytes that may wait for one client before its connection is dropped (it reconnects and catches up).</summary>
    public long MaxBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes that may wait for clients, summed over every connection of this server. Past it, commits wait
    /// for clients to catch up, and clients that make no progress meanwhile are dropped, biggest backlog first.
    /// </summary>
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Seconds a client may go without reading while messages wait for it, before it is dropped.</summary>
    public double MaxStallSeconds { get; set; } = 10;

    /// <summary>
    /// Milliseconds commits wait, once per stall, for a client that fell half its buffer behind (or for the
    /// total to come back under budget) before going on without it: clients that keep up, even barely, pace
    /// the senders; one that stalls costs the others one such pause, then is left behind until the limits
    /// above drop it.
    /// </summary>
    public int WaitMilliseconds { get; set; } = 200;
}
