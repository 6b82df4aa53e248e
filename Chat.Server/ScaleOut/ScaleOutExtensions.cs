using Chat.Server.Operations;
using Chat.Server.Presence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;

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

        builder.Services.AddSignalR(hub => hub.AddFilter<BackplaneFilter>()).AddStackExchangeRedis();

        // The backplane uses the node's one Redis connection (which carries the channel prefix).
        builder.Services.AddOptions<RedisOptions>()
            .Configure<RedisConnection>((backplane, connection) => backplane.ConnectionFactory = _ => connection.MultiplexerAsync());
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddSingleton<BackplaneFilter>();
        builder.Services.AddSingleton<RedisPresence>();
        builder.Services.AddSingleton<IPresence>(services => services.GetRequiredService<RedisPresence>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(4));
        return builder;
    }
}
