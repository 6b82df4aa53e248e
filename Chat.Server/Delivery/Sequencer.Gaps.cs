using Chat.Server.History;
using Chat.Server.Hubs;
using Chat.Server.Rooms;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Server.Delivery;

/// <summary>The sequencer's gaps: messages committed elsewhere that have not arrived, read from the store when they are late or the bus lost them.</summary>
internal sealed partial class Sequencer
{
    /// <summary>A message has waited <see cref="GapWait"/> for an earlier one: reads the missing ones from the store, page by page.</summary>
    private async Task FillGapAsync()
    {
        while (_held.Count > 0 && clock.GetElapsedTime(_gapSince) >= GapWait)
        {
            var first = _held.Keys.First();
            var wanted = (int)Math.Min(PageSize, first - _next);
            var page = await store.GetAllAsync(_next - 1, wanted, CancellationToken.None);
            Accept(page);
            if (_next < first && page.Length < wanted)
            {
                // The page holds every message the store still has before the first one held (the others were
                // cleared, or are past retention): release those, and go on from there.
                LogGapSkipped(_next, first - 1);
                foreach (var id in _held.Keys.TakeWhile(id => id < first).ToList())
                {
                    _release.Add(_held[id]);
                    _held.Remove(id);
                }

                _next = first;
                while (_held.Remove(_next, out var held))
                {
                    _release.Add(held);
                    _next++;
                }
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
