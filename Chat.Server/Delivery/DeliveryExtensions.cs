using Chat.Server.History;
using Chat.Server.Hubs;
using Microsoft.AspNetCore.SignalR;
using Chat.Server.Configuration;

namespace Chat.Server.Delivery;

internal static class DeliveryExtensions
{
    /// <summary>
    /// The way messages leave the server: SignalR's lifetime manager replaced by Chat's (every send through
    /// a bounded per-connection outbox), and the sequencer that hands committed messages to it in id order.
    /// </summary>
    public static IHostApplicationBuilder AddChatDelivery(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<SlowClientOptions, SlowClientOptionsValidator>(SlowClientOptions.Section);
        builder.Services.AddSingleton<DeliveryBudget>();
        builder.Services.AddSingleton<Fanout>();
        builder.Services.AddSingleton<ChatLifetimeManager>();
        builder.Services.AddSingleton<HubLifetimeManager<ChatHub>>(services => services.GetRequiredService<ChatLifetimeManager>());
        builder.Services.AddSingleton<Sequencer>();
        builder.Services.AddSingleton<IHistoryPublisher>(services => services.GetRequiredService<Sequencer>());
        builder.Services.AddHostedService(services => services.GetRequiredService<Sequencer>());
        return builder;
    }
}
