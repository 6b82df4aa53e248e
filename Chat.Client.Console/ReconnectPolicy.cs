using System.Net;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client.Console;

/// <summary>
/// Retries at once, then after 1, 2, 5 and 10 s, then every 10 s until two minutes have passed. A refused token
/// (401) ends it at once when it cannot change (<c>--token</c>); with <c>--token-file</c> the retries go on, so a
/// token renewed in the file within those two minutes gets the connection back.
/// </summary>
internal sealed class ReconnectPolicy(ChatEndpoint endpoint) : IRetryPolicy
{
    private static readonly TimeSpan[] FirstDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(10);

    public static TimeSpan GiveUpAfter { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Why the last reconnect attempt failed, to say why the client gave up.</summary>
    public Exception? LastReason { get; private set; }

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        LastReason = retryContext.RetryReason;
        if (retryContext.ElapsedTime >= GiveUpAfter)
        {
            return null;
        }

        if (retryContext.RetryReason is HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } && !endpoint.TokenCanChange)
        {
            return null;
        }

        return retryContext.PreviousRetryCount < FirstDelays.Length ? FirstDelays[retryContext.PreviousRetryCount] : Steady;
    }
}
