using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// Holds the client's HTTP requests (negotiate, which every reconnect starts with) while closed, so a test
/// decides when a reconnect may succeed instead of racing the client's retry delays.
/// </summary>
internal sealed class NegotiateGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Opened();

    public void Close()
    {
        lock (_lock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    public void Configure(HttpConnectionOptions options) => options.HttpMessageHandlerFactory = inner => new Handler(this, inner);

    private Task WhenOpen()
    {
        lock (_lock)
        {
            return _open.Task;
        }
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private sealed class Handler(NegotiateGate gate, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await gate.WhenOpen().WaitAsync(cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
