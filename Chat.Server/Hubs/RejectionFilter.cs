using Chat.Server.History;
using Chat.Server.Operations;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>
/// Turns broken rules into a <see cref="HubException"/> the caller can read; the connection stays open.
/// Any other failure becomes a generic HubException, so detailed errors (on for the framework's own
/// binding and unknown-method replies) never show the server's internals. Both are counted and logged by
/// <see cref="Refusals"/>.
/// </summary>
internal sealed class RejectionFilter(Refusals refusals, ChatMetrics metrics) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (InputRejectedException rejection)
        {
            refusals.Rejected(invocationContext.HubMethodName, rejection.Reason, invocationContext.Context.ConnectionId, ChatConnectionState.Of(invocationContext.Context).User);
            throw new HubException(rejection.Message);
        }
        catch (HistoryUnavailableException unavailable)
        {
            throw new HubException(unavailable.Message);
        }
        catch (Exception exception) when (exception is not HubException and not OperationCanceledException)
        {
            // Details stay in the server log; the caller learns that the call failed and can retry.
            refusals.Failed(exception, invocationContext.HubMethodName, invocationContext.Context.ConnectionId);
            throw new HubException($"The server could not complete {invocationContext.HubMethodName}. Try again in a moment.");
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // A connection refused at connect (ChatLifetimeManager) is closed already: nothing to run or count.
        if (ChatConnectionState.Of(context.Context).Refused)
        {
            return;
        }

        await next(context);
        ChatConnectionState.Of(context.Context).Counted = true;
        metrics.Connected();
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (ChatConnectionState.Of(context.Context).Refused)
        {
            return;
        }

        try
        {
            await next(context, exception);
        }
        finally
        {
            // Only connections that completed OnConnectedAsync were counted.
            if (ChatConnectionState.Of(context.Context).Counted)
            {
                metrics.Disconnected();
            }
        }
    }
}
