namespace Chat.Server.Delivery;

/// <summary>
/// Keeps fast senders at the pace of the clients that keep up, and drops the clients that do not. After committed
/// messages went out, <see cref="PaceAsync"/> makes the next commits wait a little for clients that fell behind;
/// a timer drops clients whose writes have waited too long.
/// </summary>
internal sealed class Pacing : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConnectionRegistry _connections;
    private readonly DeliveryBudget _budget;
    private readonly ITimer _sweep;
    private readonly List<Outbox> _pacing = []; // clients behind that commits wait for; only PaceAsync (one caller, the sequencer) touches it

    public Pacing(ConnectionRegistry connections, DeliveryBudget budget)
    {
        _connections = connections;
        _budget = budget;
        _sweep = budget.Clock.CreateTimer(_ => DropStalled(), null, SweepInterval, SweepInterval);
    }

    /// <summary>How much to send to every client before pacing: a quarter of a client's buffer.</summary>
    public long StepBytes => _budget.Limits.MaxBufferBytes / 4;

    /// <summary>
    /// After committed messages went out: waits, at most <c>Chat:SlowClient:WaitMilliseconds</c>, for clients
    /// more than half their buffer behind, and for the total to come back under budget. A client that keeps
    /// up, even barely, is waited for again next time (it paces the senders); one that finished no write
    /// meanwhile is left behind (not waited for until it catches up), and if the total is still over budget,
    /// such clients are dropped, biggest backlog first.
    /// </summary>
    public async Task PaceAsync()
    {
        foreach (var outbox in _budget.TakeBehind())
        {
            if (!_pacing.Contains(outbox))
            {
                _pacing.Add(outbox);
            }
        }

        _pacing.RemoveAll(outbox => outbox.IsClosed || !outbox.Behind);
        if (_pacing.Count == 0 && !_budget.Over)
        {
            return;
        }

        var started = _budget.Clock.GetTimestamp();
        var progress = _pacing.ConvertAll(outbox => outbox.Writes);
        var waits = _pacing.ConvertAll(outbox => outbox.BelowHalfAsync());
        waits.Add(_budget.UnderBudgetAsync());
        try
        {
            await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMilliseconds(_budget.Limits.WaitMilliseconds), _budget.Clock);
        }
        catch (TimeoutException)
        {
            // Go on without them this time.
        }

        for (var i = _pacing.Count - 1; i >= 0; i--)
        {
            if (_pacing[i].Behind && _pacing[i].Writes == progress[i])
            {
                _pacing[i].LeaveBehind();
                _pacing.RemoveAt(i);
            }
        }

        if (_budget.Over)
        {
            DropStuck(started);
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>Over budget: drops clients whose write has waited since <paramref name="before"/>, biggest backlog first.</summary>
    private void DropStuck(long before)
    {
        var stuck = _connections.All.Where(outbox => outbox.WaitingSince is > 0 and var since && since <= before).OrderByDescending(outbox => outbox.Bytes);
        foreach (var outbox in stuck)
        {
            if (_budget.Total <= _budget.Limits.MaxTotalBytes * 3 / 4)
            {
                break;
            }

            outbox.Drop($"{outbox.Bytes} bytes waiting while this server's clients together were past Chat:SlowClient:MaxTotalBytes ({_budget.Limits.MaxTotalBytes})");
        }
    }

    /// <summary>Drops clients whose write has waited longer than <c>Chat:SlowClient:MaxStallSeconds</c>.</summary>
    private void DropStalled()
    {
        var clock = _budget.Clock;
        foreach (var outbox in _connections.All)
        {
            if (outbox.WaitingSince is > 0 and var since && clock.GetElapsedTime(since).TotalSeconds > _budget.Limits.MaxStallSeconds)
            {
                outbox.Drop($"nothing read for {clock.GetElapsedTime(since).TotalSeconds:F1} s, more than Chat:SlowClient:MaxStallSeconds ({_budget.Limits.MaxStallSeconds})");
            }
        }
    }
}
