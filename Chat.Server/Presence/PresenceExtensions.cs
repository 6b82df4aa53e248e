namespace Chat.Server.Presence;

internal static class PresenceExtensions
{
    public static IHostApplicationBuilder AddChatPresence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPresence, LocalPresence>();
        builder.Services.AddSingleton<PresenceAnnouncer>();
        return builder;
    }
}
