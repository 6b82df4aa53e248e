using Chat.Server.Delivery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Chat.Server.Operations;
using Chat.Server.Presence;
using Chat.Server.Configuration;

namespace Chat.Server.ScaleOut;

internal static class ScaleOutExtensions
{
    /// <summary>
    /// With <c>Chat:Redis</c> set: the cluster bus on Redis (committed messages and hub messages reach
    /// every server), cluster-wide presence, and readiness that follows Redis.
    /// </summary>
    public static IHostApplicationBuilder AddChatScaleOut(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<ScaleOutOptions, ScaleOutOptionsValidator>(ScaleOutOptions.Section);
        if (!builder.ChatOptions<ScaleOutOptions>(ScaleOutOptions.Section).Enabled)
        {
            return builder;
        }

        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisConnection>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IClusterBus, RedisBus>());
        builder.Services.AddHostedService<RedisSubscriber>();
        builder.Services.AddSingleton<RedisPresence>();
        builder.Services.AddSingleton<IPresence>(services => services.GetRequiredService<RedisPresence>());
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(4));
        return builder;
    }
}
