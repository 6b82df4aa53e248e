using Chat.Server.Configuration;
using Chat.Server.History;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

internal static class HubExtensions
{
    public const string Path = "/hubs/chat";

    /// <summary>SignalR with the chat hub, its filters (rejections outermost, then the rate limit) and the frame limit.</summary>
    public static IHostApplicationBuilder AddChatHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MessageRules>();
        builder.Services.AddSingleton<RejectionFilter>();
        builder.Services.AddSingleton<RateLimitFilter>();
        builder.Services.AddSingleton<IHistoryPublisher, HubPublisher>();
        builder.Services.AddSignalR(hub =>
            {
                // Says why an invocation could not be bound ("Error binding arguments ..."); see RejectionFilter.
                hub.EnableDetailedErrors = true;
                hub.AddFilter<RejectionFilter>();
                hub.AddFilter<RateLimitFilter>();
            });
        builder.Services.AddOptions<HubOptions>()
            .Configure<IOptions<ChatOptions>>((hub, chat) => hub.MaximumReceiveMessageSize = chat.Value.MaxFrameBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        // Stateful reconnect lets a client whose transport blipped resume without losing frames in flight.
        endpoints.MapHub<ChatHub>(Path, connection => connection.AllowStatefulReconnects = true)
            .SecureChatHub(endpoints.ServiceProvider);
        return endpoints;
    }
}
