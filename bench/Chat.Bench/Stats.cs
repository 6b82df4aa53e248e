using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench;

/// <summary>What every scenario needs: clients and medians.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>A started client over WebSockets (negotiate skipped, as the load is what is measured).</summary>
    public static async Task<HubConnection> ConnectAsync(Uri server, string user, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, $"/hubs/chat?user={user}"), HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .Build();
        await connection.StartAsync(cancellationToken);
        return connection;
    }
}
