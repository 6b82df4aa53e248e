using Chat.Server.History;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>Clients that each send one message after another, recording which were acked and which failed.</summary>
internal sealed class ContinuousSenders
{
    private readonly List<TestClient> _clients;
    private readonly string _user;
    private readonly List<Task> _loops;
    private readonly List<ChatMessage> _acked = [];
    private readonly List<string> _failed = [];

    /// <param name="user">Sender i sends as user + i.</param>
    public ContinuousSenders(List<TestClient> clients, string user)
    {
        _clients = clients;
        _user = user;
        _loops = [.. clients.Select((client, i) => Task.Run(() => SendUntilFailureAsync(client, i)))];
    }

    public async Task WaitForAcksAsync(int count)
    {
        while (true)
        {
            lock (_acked)
            {
                if (_acked.Count >= count)
                {
                    return;
                }
            }

            await Task.Delay(20).WaitAsync(TaskTimeouts.Default);
        }
    }

    /// <summary>Waits until every sender's last send has an outcome (each loop ends at its first failure).</summary>
    public async Task<(List<ChatMessage> Acked, List<string> Failed)> StopAsync()
    {
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        return (_acked, _failed);
    }

    private async Task SendUntilFailureAsync(TestClient client, int sender)
    {
        for (var n = 0; ; n++)
        {
            var text = $"{_user}{sender} message {n}";
            try
            {
                var ack = await client.Connection.InvokeAsync<ChatMessage>(nameof(IChatHub.SendMessage), text, $"{_user}{sender}", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(45));
                lock (_acked)
                {
                    _acked.Add(ack);
                }
            }
            catch (Exception exception) when (exception is not TimeoutException)
            {
                lock (_failed)
                {
                    _failed.Add(text);
                }

                return;
            }
        }
    }
}
