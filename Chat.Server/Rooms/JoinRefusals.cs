using Chat.Server.History;
using Chat.Server.Rules;

namespace Chat.Server.Rooms;

/// <summary>Why a join or a room's creation was refused, in the words the hub and the server API both use.</summary>
internal static class JoinRefusals
{
    /// <summary>The refusal's reason code; null for a join that was made or was there already.</summary>
    public static string? Reason(JoinOutcome outcome) => outcome switch
    {
        JoinOutcome.TooManyForUser => "too_many_rooms",
        JoinOutcome.TooManyRooms => "too_many_rooms_on_server",
        JoinOutcome.TooManyCreated => "too_many_rooms_created",
        JoinOutcome.NotInvited => "not_invited",
        JoinOutcome.Banned => "banned",
        JoinOutcome.RoomExists => "room_exists",
        _ => null,
    };

    /// <summary>The sentence for a refused join of <paramref name="key"/>: to the joining user (<paramref name="who"/> null) or about <paramref name="who"/>.</summary>
    public static string Sentence(JoinOutcome outcome, string key, RoomOptions limits, string? who = null) => outcome switch
    {
        JoinOutcome.TooManyForUser => who is null
            ? $"You are in {limits.MaxPerUser} rooms, the most allowed (Chat:Rooms:MaxPerUser); leave one first."
            : $"{who} is in {limits.MaxPerUser} rooms, the most allowed (Chat:Rooms:MaxPerUser).",
        JoinOutcome.TooManyRooms => $"This server has {limits.MaxRooms} rooms, the most allowed (Chat:Rooms:MaxRooms); join an existing one.",
        JoinOutcome.TooManyCreated =>
            $"You created {limits.CreatePerUserPerDay} rooms in the last 24 hours, the most allowed (Chat:Rooms:CreatePerUserPerDay); join an existing room, or create this one tomorrow.",
        JoinOutcome.NotInvited => $"#{key} is private; ask one of its owners or moderators to invite you.",
        JoinOutcome.Banned => who is null ? $"You are banned from #{key}; you cannot join it." : $"{who} is banned from #{key}; unban them first.",
        JoinOutcome.RoomExists => $"#{key} exists already; join it, or create a room with another name.",
        _ => "",
    };
}

/// <summary>A room's topic as stored.</summary>
internal static class RoomTopics
{
    /// <summary>Trimmed, null when empty; refused when too long or with control characters.</summary>
    public static string? Normalize(string? topic)
    {
        var trimmed = topic?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > RoomRoles.MaxTopicLength)
        {
            throw new InputRejectedException("topic_too_long", $"The topic has {trimmed.Length} characters; a topic has at most {RoomRoles.MaxTopicLength}.");
        }

        return trimmed.Any(char.IsControl)
            ? throw new InputRejectedException("invalid_topic", "A topic is one line of text, without control characters.")
            : trimmed;
    }
}
