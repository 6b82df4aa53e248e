using Chat.Server.Configuration;
using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Presence;
using Chat.Server.Rooms;
using Chat.Server.Rules;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>The hub's reads: history, catch-up and the conversation list.</summary>
internal sealed partial class ChatHub
{
    /// <summary>The latest <paramref name="limit"/> messages of <c>general</c>, or those after <paramref name="afterId"/>; oldest first.</summary>
    public Task<ChatMessage[]> GetHistory(long? afterId, int limit)
    {
        MessageRules.CheckHistoryLimit(limit);
        return store.GetAsync(Conversation.General, afterId, limit, Context.ConnectionAborted);
    }

    /// <summary>As <see cref="GetHistory"/>, for one conversation of the caller's.</summary>
    public async Task<ChatMessage[]> GetRoomHistory(string? room, long? afterId, int limit)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        MessageRules.CheckHistoryLimit(limit);
        await RequireMemberAsync(user, key);
        return Viewed(await store.GetAsync(key, afterId, limit, Context.ConnectionAborted), user);
    }

    /// <summary>The <paramref name="limit"/> messages of one of the caller's conversations just before <paramref name="beforeId"/>, oldest first: scrolling back.</summary>
    public async Task<ChatMessage[]> GetRoomHistoryBefore(string? room, long beforeId, int limit)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        MessageRules.CheckHistoryLimit(limit);
        await RequireMemberAsync(user, key);
        return Viewed(await store.GetBeforeAsync(key, beforeId, limit, Context.ConnectionAborted), user);
    }

    /// <summary>Every message after <paramref name="afterId"/> in <c>general</c> and the caller's conversations, oldest first.</summary>
    public async Task<ChatMessage[]> GetMissedMessages(long? afterId, int limit)
    {
        MessageRules.CheckHistoryLimit(limit);
        if (ConnectionUser.Of(Context) is not { } user)
        {
            return await store.GetMissedAsync([Conversation.General], afterId, limit, Context.ConnectionAborted);
        }

        // Besides the messages it may return (charged by the filter), the call walks each of the user's conversations.
        var conversations = await store.ConversationsOfAsync(user, Context.ConnectionAborted);
        await budgets.ChargeReadsAsync(Context, conversations.Length);
        return Viewed(await store.GetMissedAsync([Conversation.General, .. conversations], afterId, limit, Context.ConnectionAborted), user);
    }

    /// <summary>The caller's conversations with their newest id and unread count: <c>general</c> first.</summary>
    public async Task<RoomSummary[]> GetRooms()
    {
        var user = ConnectionUser.Of(Context);
        if (user is not null)
        {
            // One read per conversation, before the work.
            await budgets.ChargeReadsAsync(Context, (await store.ConversationsOfAsync(user, Context.ConnectionAborted)).Length);
        }

        var summaries = await store.SummariesAsync(user ?? "", Context.ConnectionAborted);
        return user is null
            ? [summaries[0] with { Unread = 0 }]
            : [.. summaries.Select(summary => AsSeen(summary, user))];
    }
}
