namespace Chat.Client.Console;

/// <summary>Where and as whom to connect.</summary>
/// <param name="Server">The server's base address, e.g. <c>http://localhost:5000</c>.</param>
/// <param name="User">The name to connect as (listed online); null or empty connects as a guest.</param>
/// <param name="Token">A JWT for servers with authentication on.</param>
internal sealed record ChatEndpoint(Uri Server, string? User, string? Token = null)
{
    public const string HubPath = "hubs/chat";

    public Uri HubUrl
    {
        get
        {
            // Appended rather than resolved, so a base address with a path keeps it.
            var hub = Server.AbsoluteUri.TrimEnd('/') + "/" + HubPath;
            return new Uri(string.IsNullOrEmpty(User) ? hub : $"{hub}?user={Uri.EscapeDataString(User)}");
        }
    }

    /// <summary>The same server and token with no name: for one-shot calls that should not show as a join and a leave.</summary>
    public ChatEndpoint AsGuest() => this with { User = null };
}
