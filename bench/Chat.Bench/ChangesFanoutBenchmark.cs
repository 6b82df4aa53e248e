using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// What message changes (SPEC section 12) cost the fan-out: on one Chat server, N receivers in <c>general</c>, the first of
/// which also sends, in alternating runs of the same M messages, plain and with one change after every tenth message. The
/// changes take turns: a reaction and an edit of the sender's newest acked message (a new text each time). A reaction takes
/// off the oldest reaction the sender added once that one's ack has come, or else adds an emoji the newest message does not
/// have (nor is being given or losing), so the sender never waits for a change and each one really changes the message and
/// reaches every receiver as <c>MessageUpdated</c>. Deliveries count <c>ReceiveMessage</c> and <c>MessageUpdated</c> at every receiver.
/// Each receiver checks every message (none missing, duplicated or reordered), counts the changes of measured messages, and
/// checks that messages and changes come in position order (ids and versions strictly increasing).
/// </summary>
internal static class ChangesFanoutBenchmark
{
    /// <param name="Messages">Messages per run; 0: the fan-out target's counts (see <see cref="MessagesFor"/>).</param>
    /// <param name="ChangeEvery">One change after every this many messages, in the runs with changes.</param>
    /// <param name="Window">Messages the sender may have sent but not yet received by the first receiver (itself).</param>
    public sealed record Options(int Rounds, int[] Receivers, int Messages, int ChangeEvery, int Window, int TextLength, TimeSpan WarmUp)
    {
        /// <summary>Messages per run to <paramref name="receivers"/>: <see cref="Messages"/>, or as the fan-out target: 5,000 to up to 100 receivers, 1,000 to more.</summary>
        public int MessagesFor(int receivers) => Messages > 0 ? Messages : receivers <= 100 ? 5000 : 1000;

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"1 sender with up to {Window} messages not yet at the first receiver, {TextLength}-character texts, {(Messages > 0 ? $"{Messages:N0}" : "5,000 (up to 100 receivers) or 1,000")} messages per run; with changes: one after every {ChangeEvery} messages, a reaction (added, or taken off once added) and an edit in turn");
    }

    /// <summary>One run.</summary>
    /// <param name="Changes">Changes acked in the run (0 in a plain run).</param>
    /// <param name="UpdatesMissing"><c>MessageUpdated</c> records of the run's changes that did not come (negative: more came), over all receivers.</param>
    /// <param name="OutOfPosition">Messages and changes that came out of position order or twice, over all receivers (warm-up included).</param>
    public sealed record Result(double PerSecond, double GeneratorMicros, double ServerMicros, DeliveryChecks Checks, long Changes, long UpdatesMissing, long OutOfPosition)
    {
        public bool IsClean => Checks.IsClean && UpdatesMissing == 0 && OutOfPosition == 0;
    }

    private const string Room = "general";
    private const string Sender = "r0";

    /// <summary>The emoji the reactions take in turn.</summary>
    private static readonly string[] Emoji = ["👍", "🎉", "🚀", "👀", "😂", "🙏", "🔥", "💯"];

    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs every receiver count in <see cref="Options.Receivers"/>, each on a server of its own, and prints one table; false when a check failed.</summary>
    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"changes fan-out: {options.Rounds} alternating rounds on one Chat server per receiver count, {options.Describe()}");
        var comparisons = new List<(int Receivers, Comparison<Result> Results)>();
        foreach (var receivers in options.Receivers)
        {
            var messages = options.MessagesFor(receivers);
            await using var stage = await Stage.StartAsync(ServerKind.Chat, receivers, options.TextLength, () => NewLog(messages), cancellationToken);

            // Every named receiver's arrival is announced to all a second after it connects: out of the way before the first run.
            await Stage.WaitUntilAsync(() => stage.Connections.All(c => c.UsersJoined >= receivers), TimeSpan.FromSeconds(30), cancellationToken);
            var comparison = new Comparison<Result>(output, "changes", "plain");
            await comparison.AlternateAsync(
                options.Rounds,
                withChanges => MeasureAsync(stage, messages, withChanges, options, cancellationToken),
                r => string.Create(CultureInfo.InvariantCulture,
                    $"{receivers,5} receivers {r.PerSecond,10:N0} deliveries/s  CPU per delivery: generator {r.GeneratorMicros:F2} µs, server {r.ServerMicros:F2} µs  {r.Checks}, changes {r.Changes}, MessageUpdated missing {r.UpdatesMissing}, out of position {r.OutOfPosition}"));
            comparisons.Add((receivers, comparison));
        }

        comparisons[0].Results.Header("changes fan-out (medians)");
        foreach (var (receivers, results) in comparisons)
        {
            results.Median($"{receivers} receivers, {options.MessagesFor(receivers):N0} messages: deliveries/s", r => r.PerSecond, "N0");
            results.Median($"{receivers} receivers: server CPU per delivery", r => r.ServerMicros, "F2", " µs");
            results.Median($"{receivers} receivers: generator CPU per delivery", r => r.GeneratorMicros, "F2", " µs");
            results.Text($"{receivers} receivers: missing / duplicated / reordered / unacked (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
            results.Text(
                $"{receivers} receivers: changes / MessageUpdated missing / out of position order (all rounds)",
                runs => string.Create(CultureInfo.InvariantCulture, $"{runs.Sum(r => r.Changes)} / {runs.Sum(r => r.UpdatesMissing)} / {runs.Sum(r => r.OutOfPosition)}"));
        }

        output.WriteLine();
        foreach (var (receivers, results) in comparisons)
        {
            var (changes, plain) = results.Medians(r => r.PerSecond);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{receivers} receivers, deliveries/s with changes / plain: {changes / plain:F2} (the issue's target: at least 0.90)"));
        }

        return comparisons.All(c => c.Results.First.Concat(c.Results.Second).All(r => r.IsClean));
    }

    private static DeliveryLog NewLog(int messages) => new(messages, senders: 1, keepLatencies: false, positions: true);

    /// <summary>One run on the stage's server and connections, each with a fresh log: warm-up, the measured messages (and changes), the checks.</summary>
    private static async Task<Result> MeasureAsync(Stage stage, int messages, bool withChanges, Options options, CancellationToken cancellationToken)
    {
        var connections = stage.Connections;
        var readers = new DeliveryLog[connections.Length];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i].Log = readers[i] = NewLog(messages);
        }

        await WarmUpAsync(connections[0], readers, withChanges, options, cancellationToken);

        var cpu = CpuMeter.Start(stage.Server);
        var start = Stopwatch.GetTimestamp();
        var sent = await SendAsync(connections[0], readers[0], new Load(BenchText.Measured, 0, messages, For: null, withChanges), options, cancellationToken);
        var complete = await Stage.WaitUntilAsync(
            () => readers.All(log => log.Received >= sent.Messages.Sent && log.Updates >= sent.Changes.Acked), TimeSpan.FromSeconds(30), cancellationToken);
        var end = complete ? readers.Max(log => Math.Max(log.LastAt, log.LastUpdateAt)) : Stopwatch.GetTimestamp();
        var received = readers.Sum(log => log.Received);
        var updates = readers.Sum(log => log.Updates);
        var (generator, server) = cpu.PerDelivery(received + updates);
        return new Result(
            (received + updates) / Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            generator,
            server,
            DeliveryChecks.Of(readers, sent.Messages.Sent * readers.Length, received, sent.Messages + sent.Changes),
            sent.Changes.Acked,
            (sent.Changes.Acked * readers.Length) - updates,
            readers.Sum(log => log.OutOfPosition));
    }

    /// <summary>
    /// Until every reader receives, then <see cref="Options.WarmUp"/> of the run's own load (with changes or without), so the server
    /// runs the measured paths warm; waits until every reader has the last warm-up message and every warm-up change.
    /// </summary>
    private static async Task WarmUpAsync(RawConnection sender, DeliveryLog[] readers, bool withChanges, Options options, CancellationToken cancellationToken)
    {
        await Stage.WarmUpAsync(sender, Sender, readers, options.TextLength, TimeSpan.Zero, room: null, cancellationToken);
        if (options.WarmUp <= TimeSpan.Zero)
        {
            return;
        }

        const int First = 1_000_000;
        var sent = await SendAsync(sender, readers[0], new Load(BenchText.WarmUp, First, int.MaxValue, options.WarmUp, withChanges), options, cancellationToken);
        var last = First + sent.Messages.Sent - 1;
        if (!await Stage.WaitUntilAsync(() => readers.All(log => log.WarmUpSeen >= last && log.WarmUpUpdates >= sent.Changes.Acked), TimeSpan.FromSeconds(30), cancellationToken))
        {
            throw new InvalidOperationException("Some receivers never got the last warm-up message or every warm-up change.");
        }
    }

    /// <summary>Sequence numbers <paramref name="First"/> to <paramref name="End"/> - 1 of <paramref name="Phase"/>, for at most <paramref name="For"/>; with <paramref name="Changes"/>, a change after every tenth.</summary>
    private sealed record Load(byte Phase, int First, int End, TimeSpan? For, bool Changes);

    private readonly record struct Sent(SendResult Messages, SendResult Changes);

    /// <summary>
    /// Sends <paramref name="load"/> from <paramref name="sender"/> with <c>SendMessage</c>, at most <see cref="Options.Window"/> ahead of
    /// <paramref name="windowAt"/> (the sender's own log); with changes, one after every <see cref="Options.ChangeEvery"/> messages.
    /// Waits for every ack.
    /// </summary>
    private static async Task<Sent> SendAsync(RawConnection sender, DeliveryLog windowAt, Load load, Options options, CancellationToken cancellationToken)
    {
        var acks = new MessageAcks();
        var changes = new Changes(sender, load.Phase, options.TextLength, cancellationToken);
        var before = windowAt.Count(load.Phase);
        var clock = Stopwatch.StartNew();
        var deadline = load.For ?? TimeSpan.MaxValue;
        for (var sequence = load.First; sequence < load.End && clock.Elapsed < deadline; sequence++)
        {
            var ahead = acks.Result.Sent - (windowAt.Count(load.Phase) - before);
            if (ahead >= options.Window && !await ReachedAsync(windowAt, load.Phase, before + acks.Result.Sent - options.Window + 1, cancellationToken))
            {
                // The sender's own connection stopped receiving: the server is stuck.
                break;
            }

            acks.Add(sender.SendMessageForIdAsync(BenchText.Create(load.Phase, sequence, Stopwatch.GetTimestamp(), options.TextLength), Sender, cancellationToken));
            if (load.Changes && (sequence - load.First + 1) % options.ChangeEvery == 0)
            {
                // On the newest message of this load whose ack (with its id) has come; at the start, the first one, waited for.
                // With none acked, no change: the unacked count says why.
                var newest = await acks.NewestAsync(cancellationToken);
                if (newest >= 0)
                {
                    changes.Make(newest);
                }
            }
        }

        var messages = await acks.AllAsync(cancellationToken);
        var changed = await changes.AllAsync(cancellationToken);

        if (messages.Failed + changed.Failed > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{Sender}: {messages.Failed} sends and {changed.Failed} changes failed; the first error: {sender.FirstError ?? "the connection closed"}"));
        }

        return new Sent(messages, changed);
    }

    private static async Task<bool> ReachedAsync(DeliveryLog receiver, byte phase, long count, CancellationToken cancellationToken)
    {
        try
        {
            await receiver.ReachedAsync(count, phase).WaitAsync(AckTimeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>True on the ack; false on an error, a lost connection or no answer within the ack timeout.</summary>
    private static async Task<bool> WaitAsync(Task<bool> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(AckTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// The changes of one load, each one that really changes its message, made without waiting for any answer: a reaction and an
    /// edit in turn.
    /// </summary>
    private sealed class Changes(RawConnection sender, byte phase, int textLength, CancellationToken cancellationToken)
    {
        private readonly List<Task<bool>> _calls = [];
        private readonly Queue<Reaction> _added = new(); // added (acked or not) and not yet taken off, oldest first
        private readonly List<Reaction> _removing = [];  // taken off, not yet acked
        private int _edits;
        private int _emoji;

        private sealed record Reaction(long Id, string Emoji, Task<bool> Call);

        /// <summary>The next change, on <paramref name="newest"/> (the newest acked message) or on the one the oldest reaction went to.</summary>
        public void Make(long newest) => _calls.Add(_calls.Count % 2 == 0 ? React(newest) ?? Edit(newest) : Edit(newest));

        /// <summary>Waits for every change's answer.</summary>
        public async Task<SendResult> AllAsync(CancellationToken cancellationToken)
        {
            var result = default(SendResult) with { Sent = _calls.Count };
            foreach (var call in _calls)
            {
                result = await WaitAsync(call, cancellationToken) ? result with { Acked = result.Acked + 1 } : result with { Failed = result.Failed + 1 };
            }

            return result;
        }

        private Task<bool> Edit(long id)
        {
            // A text of its own: the phase first (as a receiver counts the change), then the edit's number in the load.
            var head = string.Create(CultureInfo.InvariantCulture, $"{(char)phase}E{_edits++}.");
            var text = head.Length >= textLength ? head : head + new string('e', textLength - head.Length);
            return sender.EditMessageAsync(Room, id, text, cancellationToken);
        }

        /// <summary>Takes off the oldest reaction once its add is acked, or else adds one to <paramref name="newest"/>; null when every emoji is busy there.</summary>
        private Task<bool>? React(long newest)
        {
            _removing.RemoveAll(reaction => reaction.Call.IsCompleted);
            if (_added.TryPeek(out var oldest) && oldest.Call.IsCompleted)
            {
                _added.Dequeue();
                if (oldest.Call.Result)
                {
                    var removal = sender.RemoveReactionAsync(Room, oldest.Id, oldest.Emoji, cancellationToken);
                    _removing.Add(oldest with { Call = removal });
                    return removal;
                }
            }

            // An emoji the message neither has nor is being given or losing: calls in flight may be handled in either order.
            for (var i = 0; i < Emoji.Length; i++)
            {
                var emoji = Emoji[(_emoji + i) % Emoji.Length];
                if (!_added.Concat(_removing).Any(reaction => reaction.Id == newest && reaction.Emoji == emoji))
                {
                    _emoji = (_emoji + i + 1) % Emoji.Length;
                    var addition = sender.AddReactionAsync(Room, newest, emoji, cancellationToken);
                    _added.Enqueue(new Reaction(newest, emoji, addition));
                    return addition;
                }
            }

            return null;
        }
    }

    /// <summary>The sender's message acks of one load, taken in send order: how many came, and the newest message id among them.</summary>
    private sealed class MessageAcks
    {
        private readonly Queue<Task<long?>> _pending = new();

        public SendResult Result { get; private set; }

        /// <summary>The highest message id acked so far, or -1.</summary>
        public long Newest { get; private set; } = -1;

        public void Add(Task<long?> ack)
        {
            _pending.Enqueue(ack);
            Result = Result with { Sent = Result.Sent + 1 };
        }

        /// <summary>The newest acked message id after the acks that came; when none has, waits for the oldest ones; -1 if none is acked.</summary>
        public async Task<long> NewestAsync(CancellationToken cancellationToken)
        {
            while (_pending.TryPeek(out var ack) && ack.IsCompleted)
            {
                Take(_pending.Dequeue().Result);
            }

            while (Newest < 0 && _pending.TryDequeue(out var ack))
            {
                var (answered, id) = await WaitAsync(ack, cancellationToken);
                if (!answered)
                {
                    break;
                }

                Take(id);
            }

            return Newest;
        }

        /// <summary>Waits for the acks still to come (up to the first that never does).</summary>
        public async Task<SendResult> AllAsync(CancellationToken cancellationToken)
        {
            while (_pending.TryDequeue(out var ack))
            {
                var (answered, id) = await WaitAsync(ack, cancellationToken);
                if (!answered)
                {
                    break; // the server stopped answering: the rest count as unacked
                }

                Take(id);
            }

            return Result;
        }

        /// <summary>Counts one answer: the message's id, or null for an error or a lost connection.</summary>
        private void Take(long? id)
        {
            if (id is { } messageId)
            {
                Result = Result with { Acked = Result.Acked + 1 };
                Newest = Math.Max(Newest, messageId);
            }
            else
            {
                Result = Result with { Failed = Result.Failed + 1 };
            }
        }

        /// <summary>The answer, or not answered within the ack timeout.</summary>
        private static async Task<(bool Answered, long? Id)> WaitAsync(Task<long?> ack, CancellationToken cancellationToken)
        {
            try
            {
                return (true, await ack.WaitAsync(AckTimeout, cancellationToken));
            }
            catch (TimeoutException)
            {
                return (false, null);
            }
        }
    }
}
