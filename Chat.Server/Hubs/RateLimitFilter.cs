using System.Collections.Concurrent;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>
/// Charges every hub call to the caller's <see cref="CallBudgets"/> before it runs: sends, changes to messages (edits,
/// deletes, reactions: each is committed and sent to the conversation like a message), joins, typing and moderation acts one send each; a history call or a search the messages it may return (its limit); a list (online users, members, rooms, watched
/// users) what the same list returned last time, topped up by what it returns now; any other call one read.
/// Calls that walk the caller's conversations charge one more read per conversation themselves.
/// </summary>
internal sealed class RateLimitFilter(CallBudgets budgets) : IHubFilter
{
    // How long each list was when last answered: what the next call of it is charged before it runs.
    private readonly ConcurrentDictionary<string, int> _listLengths = new(StringComparer.Ordinal);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!budgets.Any)
        {
            return await next(invocationContext);
        }

        var context = invocationContext.Context;
        var method = invocationContext.HubMethodName;
        switch (method)
        {
            // Typing is charged as a send: it is a write to the conversation's other users, and what the throttle drops
            // still costs a hub call. At reads' pace (2,000 a second) one user's 400 connections kept the server
            // busy enough to triple a quiet sender's p99; at sends' pace their refusals are held (RefusalHold).
            case nameof(ChatHub.SendMessage) or nameof(ChatHub.SendToRoom) or nameof(ChatHub.Post) or nameof(ChatHub.JoinRoom) or nameof(ChatHub.Typing)
                or nameof(ChatHub.EditMessage) or nameof(ChatHub.DeleteMessage) or nameof(ChatHub.AddReaction) or nameof(ChatHub.RemoveReaction)
                or nameof(ChatHub.CreateRoom) or nameof(ChatHub.InviteToRoom) or nameof(ChatHub.SetRoomRole) or nameof(ChatHub.SetRoomTopic)
                or nameof(ChatHub.KickFromRoom) or nameof(ChatHub.BanFromRoom) or nameof(ChatHub.UnbanFromRoom) or nameof(ChatHub.MuteInRoom):
                await budgets.ChargeSendAsync(context);
                return await next(invocationContext);
            case nameof(ChatHub.GetHistory) or nameof(ChatHub.GetRoomHistory) or nameof(ChatHub.GetRoomHistoryBefore) or nameof(ChatHub.GetMissedMessages)
                or nameof(ChatHub.SearchMessages) or nameof(ChatHub.GetModerationLog):
                // The limit is the last argument of each.
                var limit = invocationContext.HubMethodArguments is [.., int asked] ? Math.Clamp(asked, 1, MessageRules.MaxHistoryLimit) : 1;
                await budgets.ChargeReadsAsync(context, limit);
                return await next(invocationContext);
            case nameof(ChatHub.GetOnlineUsers) or nameof(ChatHub.GetRoomMembers) or nameof(ChatHub.ListRooms) or nameof(ChatHub.WatchUsers):
                // Paid before the work by what the list came to last time; the answer is made, so a longer one only takes what is left.
                var estimate = Math.Max(1, _listLengths.GetValueOrDefault(method));
                await budgets.ChargeReadsAsync(context, estimate);
                var found = await next(invocationContext);
                if (found is Array items)
                {
                    _listLengths[method] = items.Length;
                    budgets.TopUpReads(context, items.Length, paid: estimate);
                }

                return found;
            default:
                await budgets.ChargeReadsAsync(context, 1);
                return await next(invocationContext);
        }
    }
}
