using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// Holds the client's HTTP requests (negotiate, which every reconnect starts with) while closed, so a test
/// decides when a reconnect may succeed instead of racing the client's retry delays. Or refuses them at once, as
/// a server that is down does: the client then waits between attempts rather than inside one.
/// </summary>
internal sealed class NegotiateGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Opened();
    private volatile bool _refusing;

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

    /// <summary>Until <see cref="Open"/>, every request fails at once.</summary>
    public void Refuse() => _refusing = true;

    public void Open()
    {
        lock (_lock)
        {
            _refusing = false;
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
            if (gate._refusing)
            {
                throw new HttpRequestException("Refused by the test: the server is down.", null, HttpStatusCode.ServiceUnavailable);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
