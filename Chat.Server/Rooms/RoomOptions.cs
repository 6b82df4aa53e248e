using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Rooms;

/// <summary>Limits on rooms and direct conversations (<c>Chat:Rooms</c>).</summary>
public sealed class RoomOptions
{
    public const string Section = "Chat:Rooms";

    /// <summary>Rooms one user may be a member of.</summary>
    public int MaxPerUser { get; set; } = 100;

    /// <summary>Rooms that may exist on the server; joining a new name past it is refused.</summary>
    public int MaxRooms { get; set; } = 10_000;

    /// <summary>New rooms one user may create in 24 hours.</summary>
    public int CreatePerUserPerDay { get; set; } = 20;

    /// <summary>Direct conversations one user may have; a first message to another user past it is refused.</summary>
    public int MaxDirectPerUser { get; set; } = 1000;

    /// <summary>Days a room may stay without members before it is removed with its messages (so its name and place free up).</summary>
    public int EmptyRoomDays { get; set; } = 30;
}

internal sealed class RoomOptionsValidator : IValidateOptions<RoomOptions>
{
    public ValidateOptionsResult Validate(string? name, RoomOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:Rooms:MaxPerUser", options.MaxPerUser, 0, 100_000);
        failures.Range("Chat:Rooms:MaxRooms", options.MaxRooms, 0, 100_000_000);
        failures.Range("Chat:Rooms:CreatePerUserPerDay", options.CreatePerUserPerDay, 0, 1_000_000);
        failures.Range("Chat:Rooms:MaxDirectPerUser", options.MaxDirectPerUser, 0, 1_000_000);
        failures.Range("Chat:Rooms:EmptyRoomDays", options.EmptyRoomDays, 1, 36_500);
        return failures.Result;
    }
}
