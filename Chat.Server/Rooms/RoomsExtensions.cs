using Chat.Server.Configuration;
namespace Chat.Server.Rooms;

internal static class RoomsExtensions
{
    /// <summary>Rooms and direct conversations: their limits, and who is in which room on this server.</summary>
    public static IHostApplicationBuilder AddChatRooms(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<RoomOptions, RoomOptionsValidator>(RoomOptions.Section);
        builder.Services.AddSingleton<RoomIndex>();
        builder.Services.AddSingleton<RoomRulesCache>();
        builder.Services.AddSingleton<Memberships>();
        return builder;
    }
}
