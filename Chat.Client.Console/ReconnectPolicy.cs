using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client.Console;

/// <summary>Retries at once, then after 1, 2, 5 and 10 s, then every 10 s until two minutes have passed.</summary>
internal sealed class ReconnectPolicy : IRetryPolicy
{
    private static readonly TimeSpan[] FirstDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(10);

    public static TimeSpan GiveUpAfter { get; } = TimeSpan.FromMinutes(2);

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        if (retryContext.ElapsedTime >= GiveUpAfter)
        {
            return null;
        }

        return retryContext.PreviousRetryCount < FirstDelays.Length ? FirstDelays[retryContext.PreviousRetryCount] : Steady;
    }
}
