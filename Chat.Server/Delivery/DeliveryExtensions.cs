using Chat.Server.Configuration;
using Chat.Server.History;
using Chat.Server.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Delivery;

internal static class DeliveryExtensions
{
    /// <summary>
    /// The way messages leave the server: SignalR's lifetime manager replaced by Chat's, one dispatcher every send
    /// goes through (to bounded per-connection outboxes, never waiting for a client), the pacing that keeps senders
    /// at the clients' pace, and the sequencer that hands committed messages out in id order. A single server's
    /// cluster bus tells nobody; scale-out replaces it.
    /// </summary>
    public static IHostApplicationBuilder AddChatDelivery(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<SlowClientOptions, SlowClientOptionsValidator>(SlowClientOptions.Section);
        builder.Services.AddSingleton<DeliveryBudget>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<Pacing>();
        builder.Services.AddSingleton<Dispatcher>();
        builder.Services.AddSingleton<IClusterBus, NoClusterBus>();
        builder.Services.AddSingleton<ChatLifetimeManager>();
        builder.Services.AddSingleton<HubLifetimeManager<ChatHub>>(services => services.GetRequiredService<ChatLifetimeManager>());
        builder.Services.AddSingleton<Sequencer>();
        builder.Services.AddSingleton<IHistoryPublisher>(services => services.GetRequiredService<Sequencer>());
        builder.Services.AddHostedService(services => services.GetRequiredService<Sequencer>());
        return builder;
    }
}
