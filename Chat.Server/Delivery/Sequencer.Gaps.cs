using Chat.Server.History;
using Chat.Server.Hubs;
using Chat.Server.Rooms;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Server.Delivery;

/// <summary>The sequencer's gaps: messages committed elsewhere that have not arrived, read from the store when they are late or the bus lost them.</summary>
internal sealed partial class Sequencer
{
    /// <summary>
    /// A message has waited <see cref="GapWait"/> for an earlier one: reads what the store has after the last released
    /// position, page by page. Positions are taken in commit order, so every position before one that arrived is
    /// committed: a page holds every position the store has up to its last one (and up to the first one held, when the page
    /// is short). A position it lacks there is a hole for good: a change superseded by a later change of the same message,
    /// or a message cleared or past retention. Those are skipped; waiting for them would stall every client of this server.
    /// </summary>
    private async Task FillGapAsync()
    {
        while (_held.Count > 0 && clock.GetElapsedTime(_gapSince) >= GapWait)
        {
            var first = _held.Keys.First();
            var page = await store.GetAllAsync(_next - 1, PageSize, CancellationToken.None);
            var through = page.Length == PageSize ? page[^1].Position() : Math.Max(first - 1, page.Length > 0 ? page[^1].Position() : 0);
            foreach (var message in page)
            {
                if (message.Position() >= _next)
                {
                    _held.TryAdd(message.Position(), message);
                }
            }

            var skipped = 0L;
            foreach (var position in _held.Keys.TakeWhile(position => position <= through).ToList())
            {
                skipped += position - _next;
                _release.Add(_held[position]);
                _held.Remove(position);
                _next = position + 1;
            }

            skipped += through + 1 - _next;
            _next = through + 1;
            while (_held.Remove(_next, out var held))
            {
                _release.Add(held);
                _next++;
            }

            if (skipped > 0)
            {
                LogGapSkipped(skipped, _next);
            }

            await ReleaseAsync();
            _gapSince = 0; // a gap still open after this page is read at once
        }
    }

    /// <summary>Asks the store for what was committed after the last released id, in case the bus lost it.</summary>
    private async Task PollAsync()
    {
        if (!bus.Clustered || clock.GetElapsedTime(_lastPoll) < (bus.IsUp ? PollInterval : PollIntervalWhileBusDown))
        {
            return;
        }

        _lastPoll = clock.GetTimestamp();
        if (_next == 0)
        {
            _next = await store.LastIdAsync(CancellationToken.None) + 1;
            return;
        }

        Accept(await store.GetAllAsync(_next - 1, PageSize, CancellationToken.None));
        await ReleaseAsync();
    }
}
