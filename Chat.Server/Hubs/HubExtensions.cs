using Chat.Server.Configuration;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

internal static class HubExtensions
{
    public const string Path = "/hubs/chat";

    /// <summary>
    /// Hub calls one connection may have running at once. SignalR stops reading a connection's frames while
    /// this many are running, so it bounds a pipelining sender's sends in flight, and with them how much one
    /// group commit can take: at 32, a sender keeping 200 messages in flight waited for a commit per 32 and
    /// fan-out to 100 receivers ran at 0.7 to 1.0 of the bare hub's rate; at 64 at 0.9 to 1.0, at 256 at 1.0
    /// to 1.3. But SignalR gives every connection a semaphore of this many slots, idle or not: 256 cost 1.8 KiB
    /// more per idle connection than 32, 64 about 0.3 KiB (docs/performance.md).
    /// </summary>
    public const int MaxParallelInvocations = 64;

    /// <summary>SignalR with the chat hub, its filters (rejections outermost, then the rate limit) and the frame limit.</summary>
    public static IHostApplicationBuilder AddChatHub(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<MessageOptions, MessageOptionsValidator>(MessageOptions.Section);
        builder.AddChatOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.Section);
        builder.Services.AddSingleton<MessageRules>();
        builder.Services.AddSingleton<Refusals>();
        builder.Services.AddSingleton<RejectionFilter>();
        builder.Services.AddSingleton<CallBudgets>();
        builder.Services.AddSingleton<RateLimitFilter>();
        builder.Services.AddSingleton<TypingThrottle>();
        builder.Services.AddSingleton<IUserIdProvider, ChatUserIdProvider>();
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
            .Configure<IOptions<MessageOptions>>((hub, messages) => hub.MaximumReceiveMessageSize = messages.Value.MaxFrameBytes);
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder endpoints)
    {
        // Stateful reconnect is off: after any reconnect the clients catch up from the history, which
        // needs no per-connection replay buffer (and no client's acks to wait for). With it off, a
        // connection writes what the fan-out gives it as it is, several messages in one write.
        endpoints.MapHub<ChatHub>(Path, connections =>
            {
                connections.AllowStatefulReconnects = false;

                // A connection lives no longer than its token: once a second SignalR's connection manager closes
                // the connections whose token (JwtBearer's ExpiresUtc) has expired, with a close message that
                // lets the clients reconnect, which they do with a fresh token. Without sign-in there is nothing to expire.
                connections.CloseOnAuthenticationExpiration = true;
            })
            .SecureChatHub(endpoints.ServiceProvider);
        return endpoints;
    }
}
