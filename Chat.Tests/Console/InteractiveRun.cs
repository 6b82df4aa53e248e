using Chat.Client.Console;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Tests.ConsoleClient;

/// <summary>An <see cref="InteractiveChat"/> running in the test process, with scripted input and recorded output.</summary>
internal sealed class InteractiveRun : IAsyncDisposable
{
    private readonly InteractiveChat _chat;

    private InteractiveRun(ChatEndpoint endpoint, Action<HttpConnectionOptions> transport)
    {
        _chat = new InteractiveChat(Input, Output, new TestClock());
        Run = _chat.RunAsync(endpoint, transport, CancellationToken.None);
    }

    public ScriptedInput Input { get; } = new();

    public RecordedOutput Output { get; } = new();

    /// <summary>Completes with the exit code.</summary>
    public Task<int> Run { get; }

    /// <summary>Starts the chat and returns once it has printed history and says it is connected.</summary>
    public static async Task<InteractiveRun> StartAsync(ChatEndpoint endpoint, Action<HttpConnectionOptions> transport)
    {
        var chat = new InteractiveRun(endpoint, transport);
        var connected = chat.Output.LineAsync(line => line.StartsWith("* connected to ", StringComparison.Ordinal));
        if (await Task.WhenAny(connected, chat.Run) != connected)
        {
            throw new InvalidOperationException($"The chat ended with {await chat.Run} before connecting:\n{string.Join('\n', chat.Output.Lines)}");
        }

        return chat;
    }

    /// <summary>Ends the input (Ctrl+D) and returns the exit code.</summary>
    public async Task<int> EndAsync()
    {
        Input.End();
        return await Run.DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        await EndAsync();
        Input.Dispose();
        Output.Dispose();
    }
}
