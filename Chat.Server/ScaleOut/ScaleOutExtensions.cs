using Chat.Server.Operations;
using Chat.Server.Presence;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

internal static class ScaleOutExtensions
{
    /// <summary>
    /// With <c>Chat:Redis</c> set: the SignalR Redis backplane (messages and presence events reach
    /// clients on every node), cluster-wide presence, a readiness check and a send gate on Redis.
    /// </summary>
    public static IHostApplicationBuilder AddChatScaleOut(this IHostApplicationBuilder builder)
    {
        var redis = builder.Configuration["Chat:Redis"];
        if (string.IsNullOrWhiteSpace(redis))
        {
            return builder;
        }

        var prefix = builder.Configuration["Chat:RedisPrefix"] is { Length: > 0 } configured ? configured : "chat";
        builder.Services.AddSignalR(hub => hub.AddFilter<BackplaneFilter>()).AddStackExchangeRedis(redis, backplane =>
        {
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal(prefix);
            backplane.Configuration.AbortOnConnectFail = false;
        });
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddSingleton<BackplaneFilter>();
        builder.Services.AddSingleton<RedisPresence>();
        builder.Services.AddSingleton<IPresence>(services => services.GetRequiredService<RedisPresence>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(4));
        return builder;
    }
}
