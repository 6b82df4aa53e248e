using Chat.Server.Configuration;

namespace Chat.Server.Presence;

internal static class PresenceExtensions
{
    /// <summary>Who is online (on this node; scale-out replaces it with the cluster's), who watches whom, and the announcements.</summary>
    public static IHostApplicationBuilder AddChatPresence(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<PresenceOptions, PresenceOptionsValidator>(PresenceOptions.Section);
        builder.Services.AddSingleton<Watchers>();
        builder.Services.AddSingleton<IPresence, LocalPresence>();
        builder.Services.AddSingleton<PresenceAnnouncer>();
        return builder;
    }
}
