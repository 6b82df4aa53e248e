using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>
/// Charges every hub call to the caller's <see cref="CallBudgets"/> before it runs: sends and joins one send
/// each; a history call the messages it may return (its limit); a list (online users, members, rooms) what it
/// returns, paid after the fact (a caller over budget does not get the answer); any other call one read.
/// Calls that walk the caller's conversations charge one more read per conversation themselves.
/// </summary>
internal sealed class RateLimitFilter(CallBudgets budgets) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!budgets.Any)
        {
            return await next(invocationContext);
        }

        var context = invocationContext.Context;
        switch (invocationContext.HubMethodName)
        {
            case nameof(ChatHub.SendMessage) or nameof(ChatHub.SendToRoom) or nameof(ChatHub.JoinRoom):
                budgets.ChargeSend(context);
                return await next(invocationContext);
            case nameof(ChatHub.GetHistory) or nameof(ChatHub.GetRoomHistory) or nameof(ChatHub.GetRoomHistoryBefore) or nameof(ChatHub.GetMissedMessages):
                // The limit is the last argument of each.
                var limit = invocationContext.HubMethodArguments is [.., int asked] ? Math.Clamp(asked, 1, MessageRules.MaxHistoryLimit) : 1;
                budgets.ChargeReads(context, limit);
                return await next(invocationContext);
            case nameof(ChatHub.GetOnlineUsers) or nameof(ChatHub.GetRoomMembers) or nameof(ChatHub.ListRooms) or nameof(ChatHub.WatchUsers):
                budgets.ChargeReads(context, 1);
                var found = await next(invocationContext);
                if (found is Array { Length: > 1 } items)
                {
                    budgets.ChargeReads(context, items.Length, paid: 1);
                }

                return found;
            default:
                budgets.ChargeReads(context, 1);
                return await next(invocationContext);
        }
    }
}
