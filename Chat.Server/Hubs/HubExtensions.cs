using Chat.Server.Configuration;
using Chat.Server.History;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

internal static class HubExtensions
{
    public const string Path = "/hubs/chat";

    /// <summary>Hub calls one connection may have running at once.</summary>
    public const int MaxParallelInvocations = 32;

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

                // A client may have several sends in flight; they start in the order received (each queues
                // its message before its first await), so one busy sender also gets group commit.
                hub.MaximumParallelInvocationsPerClient = MaxParallelInvocations;
                hub.AddFilter<RejectionFilter>();
                hub.AddFilter<RateLimitFilter>();
            })
            .AddMessagePackProtocol();
        builder.Services.AddOptions<HubOptions>()
            .Configure<IOptions<ChatOptions>>((hub, chat) => hub.MaximumReceiveMessageSize = chat.Value.MaxFrameBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var guard = new SlowClientGuard(
            services.GetRequiredService<IOptions<ChatOptions>>().Value.SlowClient,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<SlowClientGuard>>());

        // MapHub, spelled out so the slow-client guard can sit between the hub and each connection.
        // Stateful reconnect lets a client whose transport blipped resume without losing frames in flight.
        endpoints.MapConnections(Path, new HttpConnectionDispatcherOptions { AllowStatefulReconnects = true }, connection => connection
                .Use(guard.Wrap)
                .UseHub<ChatHub>())
            .WithMetadata(new HubMetadata(typeof(ChatHub)))
            .SecureChatHub(services);
        return endpoints;
    }
}
