using System.CommandLine;
using Chat.Bench;
using Chat.Bench.Abuse;
using Chat.Bench.HistoryScale;
using Chat.Bench.TeamChat;

var rounds = new Option<int>("--rounds") { Description = "How many rounds; medians are printed.", DefaultValueFactory = _ => 3 };
var senders = new Option<int>("--senders") { Description = "Concurrent senders.", DefaultValueFactory = _ => 20 };

// chat-bench [sends]: acked sends per second with one sender and with many
var url = new Option<Uri?>("--url")
{
    Description = "A running Chat server to measure; by default the benchmark starts its own (Release, rate limit off, fresh SQLite file).",
    CustomParser = result =>
    {
        if (Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var address))
        {
            return address;
        }

        result.AddError($"--url must be an absolute address such as http://localhost:5000/, not '{result.Tokens[0].Value}'.");
        return null;
    },
};
var messages = new Option<int>("--messages") { Description = "Messages each sender sends per round.", DefaultValueFactory = _ => 1000 };
var root = new RootCommand("Chat benchmark: acked sends per second with one sender and with many (default); one node versus two (cluster); Chat against a bare SignalR hub (fanout, latency, slow-consumer, idle-memory, sends); a room against general (room-fanout); fan-out with message changes against plain fan-out (changes-fanout); every performance target in one run (targets).")
{
    url, rounds, messages, senders,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new SendBenchmark.Options(parse.GetValue(rounds), parse.GetValue(messages), parse.GetValue(senders));
    await using var server = parse.GetValue(url) is not null ? null : await BenchServer.StartAsync(cancellationToken);
    await SendBenchmark.RunAsync(server?.Url ?? parse.GetValue(url)!, options, Console.Out, cancellationToken);
    return 0;
});

// chat-bench cluster: deliveries per second, one node versus two on Redis and PostgreSQL
var redis = new Option<string>("--redis") { Description = "Redis for the two-node setup, e.g. 127.0.0.1:6379.", Required = true };
var postgres = new Option<string>("--postgres") { Description = "PostgreSQL connection string for the shared history (its tables are created).", Required = true };
var receivers = new Option<int>("--receivers") { Description = "Receivers, spread evenly over the nodes.", DefaultValueFactory = _ => 100 };
var total = new Option<int>("--messages") { Description = "Messages per round, from all senders together.", DefaultValueFactory = _ => 2000 };
var cluster = new Command("cluster", "Deliveries per second on one node versus two nodes with the Redis backplane, on one PostgreSQL history.")
{
    redis, postgres, receivers, total, rounds, senders,
};
cluster.SetAction(async (parse, cancellationToken) =>
{
    var options = new ClusterBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(total), parse.GetValue(senders), parse.GetValue(receivers), parse.GetValue(redis)!, parse.GetValue(postgres)!);
    await ClusterBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(cluster);

// chat-bench fanout: deliveries per second, Chat against a bare SignalR hub, over raw WebSockets
var fanoutReceivers = new Option<int[]>("--receivers") { Description = "Receiver counts to measure, one after the other.", DefaultValueFactory = _ => [100, 1000], AllowMultipleArgumentsPerToken = true };
var seconds = new Option<double>("--seconds") { Description = "How long the senders send in each run.", DefaultValueFactory = _ => 5 };
var fanoutSenders = new Option<int>("--senders") { Description = "Senders (the first receivers), each with its own window of unacked sends.", DefaultValueFactory = _ => 1 };
var window = new Option<int>("--window") { Description = "Sends each sender may have waiting for their ack.", DefaultValueFactory = _ => 32 };
var textLength = new Option<int>("--text-length") { Description = "Characters per message text.", DefaultValueFactory = _ => 64 };
var warmUp = new Option<double>("--warm-up")
{
    Description = "Seconds of load (one sender, up to 32 unacked) before each measured run, so both servers are measured warm: tiered compilation settled, pools grown.",
    DefaultValueFactory = _ => 5,
};
var fanoutMessages = new Option<int>("--messages") { Description = "Send exactly this many messages per run (instead of sending for --seconds).", DefaultValueFactory = _ => 0 };
var windowAt = new Option<string>("--window-at")
{
    Description = "Where the window is counted: ack (sends not yet acked) or receiver (messages not yet received by the first receiver, as a generator that measures delivery sends; one sender only).",
    DefaultValueFactory = _ => "ack",
};
windowAt.AcceptOnlyFromAmong("ack", "receiver");
var fanout = new Command("fanout", "Fan-out deliveries per second to 100 and 1000 receivers, Chat against a bare SignalR hub, every message checked.")
{
    fanoutReceivers, seconds, fanoutMessages, fanoutSenders, window, windowAt, textLength, warmUp, rounds,
};
fanout.Validators.Add(result =>
{
    var receiverWindow = result.GetResult(windowAt) is { } at && at.GetValueOrDefault<string>() == "receiver";
    if (receiverWindow && result.GetResult(fanoutSenders) is { } senderCount && senderCount.GetValueOrDefault<int>() != 1)
    {
        result.AddError("--window-at receiver takes one sender (--senders 1).");
    }
});
fanout.SetAction(async (parse, cancellationToken) =>
{
    var options = new FanoutBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(fanoutReceivers)!, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(fanoutSenders), parse.GetValue(window), parse.GetValue(textLength),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)), parse.GetValue(fanoutMessages), parse.GetValue(windowAt) == "receiver");
    await FanoutBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(fanout);

// chat-bench room-fanout: a room's fan-out among many connections against general's to as many receivers, on one Chat server
var roomConnections = new Option<int>("--connections") { Description = "Connections in the room runs, each a named user: the room's members and others only in general.", DefaultValueFactory = _ => 1000 };
var roomMembers = new Option<int>("--members") { Description = "Members of the room, the sender included; the general runs have this many connections.", DefaultValueFactory = _ => 100 };
var roomMessages = new Option<int>("--messages") { Description = "Messages per run.", DefaultValueFactory = _ => 5000 };
var roomWindow = new Option<int>("--window") { Description = "Messages the sender may have sent but not yet received by the first receiver (itself).", DefaultValueFactory = _ => 200 };
var roomFanout = new Command("room-fanout", "Deliveries per second to a room of 100 among 1000 connections against general with 100 connections, alternating on one Chat server, every message checked.")
{
    roomConnections, roomMembers, roomMessages, roomWindow, textLength, warmUp, rounds,
};
roomFanout.SetAction(async (parse, cancellationToken) =>
{
    // Checked here rather than in a validator, which does not see the defaults.
    var options = new RoomFanoutBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(roomConnections), parse.GetValue(roomMembers), parse.GetValue(roomMessages), parse.GetValue(roomWindow), parse.GetValue(textLength),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)));
    if (options.Members < 1 || options.Connections < options.Members)
    {
        await Console.Error.WriteLineAsync($"--members ({options.Members}) must be at least 1 and at most --connections ({options.Connections}).");
        return 1;
    }

    await RoomFanoutBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(roomFanout);

// chat-bench changes-fanout: fan-out with a reaction or an edit after every tenth message against plain fan-out, on one Chat server
var changesReceivers = new Option<int[]>("--receivers") { Description = "Receiver counts to measure, one after the other, each on a server of its own.", DefaultValueFactory = _ => [1000], AllowMultipleArgumentsPerToken = true };
var changesMessages = new Option<int>("--messages") { Description = "Messages per run; 0: 5,000 to up to 100 receivers and 1,000 to more, as the fan-out target.", DefaultValueFactory = _ => 0 };
var changesEvery = new Option<int>("--change-every") { Description = "In the runs with changes, one change after every this many messages.", DefaultValueFactory = _ => 10 };
var changesWindow = new Option<int>("--window") { Description = "Messages the sender may have sent but not yet received by the first receiver (itself).", DefaultValueFactory = _ => 200 };
var changesFanout = new Command("changes-fanout", "Deliveries per second (ReceiveMessage and MessageUpdated) to 1000 receivers with a reaction or an edit after every tenth message, against the same messages without, alternating on one Chat server, every message and change checked.")
{
    changesReceivers, changesMessages, changesEvery, changesWindow, textLength, warmUp, rounds,
};
changesFanout.SetAction(async (parse, cancellationToken) =>
{
    // Checked here rather than in a validator, which does not see the defaults.
    var options = new ChangesFanoutBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(changesReceivers)!, parse.GetValue(changesMessages), parse.GetValue(changesEvery), parse.GetValue(changesWindow),
        parse.GetValue(textLength), TimeSpan.FromSeconds(parse.GetValue(warmUp)));
    if (options.Receivers.Length == 0 || options.Receivers.Any(count => count < 1) || options.Messages < 0 || options.ChangeEvery < 1 || options.Window < 1 || options.Rounds < 1)
    {
        await Console.Error.WriteLineAsync("--receivers, --change-every, --window and --rounds must be at least 1, and --messages at least 0.");
        return 1;
    }

    return await ChangesFanoutBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(changesFanout);

// chat-bench latency: delivery latency percentiles at a fixed rate, Chat against the bare hub
var latencyReceivers = new Option<int>("--receivers") { Description = "Receivers.", DefaultValueFactory = _ => 1000 };
var rate = new Option<double>("--rate") { Description = "Messages per second, on a fixed schedule.", DefaultValueFactory = _ => 50 };
var latencySeconds = new Option<double>("--seconds") { Description = "How long the sender sends in each run.", DefaultValueFactory = _ => 10 };
var latency = new Command("latency", "p50/p99/max delivery latency at a fixed send rate, Chat against a bare SignalR hub.")
{
    latencyReceivers, rate, latencySeconds, textLength, warmUp, rounds,
};
latency.SetAction(async (parse, cancellationToken) =>
{
    var options = new LatencyBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(latencyReceivers), parse.GetValue(rate), TimeSpan.FromSeconds(parse.GetValue(latencySeconds)), parse.GetValue(textLength),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)));
    await LatencyBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(latency);

// chat-bench slow-consumer: one receiver stops reading; what the others and the server go through
var slowReceivers = new Option<int>("--receivers") { Description = "Receivers, the last of which never reads.", DefaultValueFactory = _ => 100 };
var slowSeconds = new Option<double>("--seconds") { Description = "How long the sender sends in each run.", DefaultValueFactory = _ => 15 };
var slowTextLength = new Option<int>("--text-length") { Description = "Characters per message text.", DefaultValueFactory = _ => 4096 };
var slowMessages = new Option<int>("--messages") { Description = "Send exactly this many messages per run (instead of sending for --seconds).", DefaultValueFactory = _ => 0 };
var slowWindow = new Option<int>("--window") { Description = "Sends the sender may have in flight.", DefaultValueFactory = _ => 32 };
var slowConsumer = new Command("slow-consumer", "One receiver never reads: deliveries to the others, their longest pause, when it is dropped, server memory growth.")
{
    slowReceivers, slowSeconds, slowMessages, slowWindow, windowAt, slowTextLength, warmUp, rounds,
};
slowConsumer.SetAction(async (parse, cancellationToken) =>
{
    var options = new SlowConsumerBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(slowReceivers), TimeSpan.FromSeconds(parse.GetValue(slowSeconds)), parse.GetValue(slowTextLength),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)), parse.GetValue(slowMessages), parse.GetValue(slowWindow), parse.GetValue(windowAt) == "receiver");
    await SlowConsumerBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(slowConsumer);

// chat-bench idle-memory: server memory per idle connection
var idleConnections = new Option<int>("--connections") { Description = "Idle connections (each needs an open file here and in the server: see ulimit -n).", DefaultValueFactory = _ => 10_000 };
var idleHold = new Option<double>("--hold") { Description = "Seconds to keep each server and its connections after measuring, so a profiler (dotnet-gcdump, dotnet-counters) can attach; its process id is printed.", DefaultValueFactory = _ => 0 };
var idleInRoom = new Option<bool>("--in-room")
{
    Description = $"Compare connections that are each a named user in a room (rooms of {IdleMemoryBenchmark.RoomSize}) with guests, both on Chat, instead of Chat with the bare hub. Named users' arrivals are announced to all: mind the square of --connections.",
};
var idleVersus = new Option<string>("--versus")
{
    Description = "With --in-room, what the users in a room are compared with: guests (today's idle connections) or named (named users in no room: what the room alone adds).",
    DefaultValueFactory = _ => "guests",
};
idleVersus.AcceptOnlyFromAmong("guests", "named");
var idleMemory = new Command("idle-memory", "Server memory per idle connection, Chat against a bare SignalR hub (or, with --in-room, named users in a room against guests or named users in no room).")
{
    idleConnections, rounds, idleHold, idleInRoom, idleVersus,
};
idleMemory.SetAction(async (parse, cancellationToken) =>
{
    var options = new IdleMemoryBenchmark.Options(parse.GetValue(rounds), parse.GetValue(idleConnections), TimeSpan.FromSeconds(parse.GetValue(idleHold)), parse.GetValue(idleInRoom),
        parse.GetValue(idleVersus) == "named" ? IdleMemoryBenchmark.Idler.Named : IdleMemoryBenchmark.Idler.Guest);
    await IdleMemoryBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(idleMemory);

// chat-bench sends: acked sends per second, Chat against the bare hub (or with its search index against without it)
var sendSenders = new Option<int[]>("--senders") { Description = "Concurrent sender counts to measure, one after the other.", DefaultValueFactory = _ => [1, 20], AllowMultipleArgumentsPerToken = true };
var sendSeconds = new Option<double>("--seconds") { Description = "How long the senders send in each run.", DefaultValueFactory = _ => 5 };
var sendAgainst = new Option<string>("--against")
{
    Description = "What Chat is compared with: bare-hub (a bare SignalR hub), or no-search-index (the same build with its search index switched off, a fresh store each run).",
    DefaultValueFactory = _ => "bare-hub",
};
sendAgainst.AcceptOnlyFromAmong("bare-hub", "no-search-index");
var sendPostgres = new Option<string?>("--postgres")
{
    Description = "With --against no-search-index: measure PostgreSQL instead of SQLite, given a connection string whose role may create databases; each run gets a new database, dropped after.",
};
var sends = new Command("sends", "Acked sends per second with 1 and 20 concurrent senders, Chat against a bare SignalR hub or against itself without its search index.")
{
    sendSenders, sendSeconds, textLength, warmUp, rounds, sendAgainst, sendPostgres,
};
sends.SetAction(async (parse, cancellationToken) =>
{
    var options = new SendsBenchmark.Options(parse.GetValue(rounds), parse.GetValue(sendSenders)!, TimeSpan.FromSeconds(parse.GetValue(sendSeconds)), parse.GetValue(textLength),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)),
        parse.GetValue(sendAgainst) == "no-search-index" ? SendsBenchmark.Against.NoSearchIndex : SendsBenchmark.Against.BareHub, parse.GetValue(sendPostgres));
    await SendsBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(sends);

// chat-bench stateful-receiver: what one healthy npm client with stateful reconnect costs the others
var statefulReceivers = new Option<int>("--receivers") { Description = "Receivers, one of which is the npm client in the second run.", DefaultValueFactory = _ => 20 };
var statefulWindow = new Option<int>("--window") { Description = "Sends the sender may have unacked.", DefaultValueFactory = _ => 32 };
var statefulText = new Option<int>("--text-length") { Description = "Characters per message text.", DefaultValueFactory = _ => 100 };
var statefulReceiver = new Command("stateful-receiver", "Acked sends and the others' deliveries with and without one healthy npm client using withStatefulReconnect() among the receivers.")
{
    statefulReceivers, statefulWindow, seconds, statefulText, warmUp, rounds,
};
statefulReceiver.SetAction(async (parse, cancellationToken) =>
{
    var options = new StatefulReceiverBenchmark.Options(
        parse.GetValue(rounds), parse.GetValue(statefulReceivers), parse.GetValue(statefulWindow), TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(statefulText),
        TimeSpan.FromSeconds(parse.GetValue(warmUp)));
    await StatefulReceiverBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(statefulReceiver);

// chat-bench targets: every scenario of the performance targets in one run, and one table of them
var targetsIdle = new Option<int>("--connections") { Description = "Idle connections for the idle-memory target (each needs an open file here and in the server: see ulimit -n).", DefaultValueFactory = _ => 10_000 };
var targets = new Command("targets", "The performance targets in one run: fan-out to 100 and 1000 receivers, latency at 1000, slow consumer, a stateful-reconnect receiver, idle memory; then one table of them, met or not.")
{
    warmUp, rounds, targetsIdle,
};
targets.SetAction(async (parse, cancellationToken) =>
{
    var options = new TargetsBenchmark.Options(parse.GetValue(rounds), TimeSpan.FromSeconds(parse.GetValue(warmUp)), parse.GetValue(targetsIdle));
    return await TargetsBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(targets);

// chat-bench slow-consumer-after-load: the slow-consumer target on a server that ran heavy or light load first
var afterLoadIdle = new Option<int>("--connections") { Description = "Idle connections the heavy order holds first (each needs an open file here and in the server: see ulimit -n).", DefaultValueFactory = _ => 10_000 };
var afterLoad = new Command("slow-consumer-after-load", "The slow-consumer target on one server process that first held idle connections and ran the fan-out to 1,000 (heavy), or ran the latency scenario (light): the server's memory growth in each order, and where Chat's memory was.")
{
    warmUp, rounds, afterLoadIdle,
};
afterLoad.SetAction(async (parse, cancellationToken) =>
{
    var options = new SlowConsumerAfterLoadBenchmark.Options(parse.GetValue(rounds), parse.GetValue(afterLoadIdle), TimeSpan.FromSeconds(parse.GetValue(warmUp)));
    return await SlowConsumerAfterLoadBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(afterLoad);

// chat-bench floods: one abusive client against the default limits, a normal user beside it
var floodConnections = new Option<int>("--connections") { Description = "Connection attempts in the connection flood.", DefaultValueFactory = _ => 15_000 };
var floodConcurrency = new Option<int>("--concurrency") { Description = "Connection attempts the flood keeps going at once.", DefaultValueFactory = _ => 64 };
var floodChurns = new Option<int>("--churns") { Description = "Connect/close cycles with new names.", DefaultValueFactory = _ => 500 };
var floodReaders = new Option<int>("--readers") { Description = "GetHistory(null, 500) calls one user keeps in flight.", DefaultValueFactory = _ => 32 };
var floods = new Command("floods", "Chat with its default limits under a connection flood, connection churn and a history flood from one client, while a normal user sends.")
{
    floodConnections, floodConcurrency, floodChurns, floodReaders, seconds,
};
floods.SetAction(async (parse, cancellationToken) =>
{
    var options = new FloodsBenchmark.Options(parse.GetValue(floodConnections), parse.GetValue(floodConcurrency), parse.GetValue(floodChurns), parse.GetValue(floodReaders), TimeSpan.FromSeconds(parse.GetValue(seconds)));
    await FloodsBenchmark.RunAsync(options, Console.Out, cancellationToken);
    return 0;
});
root.Subcommands.Add(floods);

// chat-bench abuse: six floods from one user, each against a fresh server with the default limits, a normal user beside it
var abuseQuiet = new Option<double>("--quiet-seconds") { Description = "Seconds the normal user's acks are measured before each flood.", DefaultValueFactory = _ => 15 };
var abuseFlood = new Option<double>("--flood-seconds") { Description = "Seconds each timed flood lasts (conversations-by-reading makes its 50,000 calls instead).", DefaultValueFactory = _ => 20 };
var abuseAfter = new Option<double>("--after-seconds") { Description = "Seconds after each flood before the server's memory is read again.", DefaultValueFactory = _ => 60 };
var abuseFloods = new Option<string[]>("--floods")
{
    Description = "The floods to run, in their order; all by default.",
    DefaultValueFactory = _ => [.. AbuseBenchmark.All.Select(flood => flood.Name)],
    AllowMultipleArgumentsPerToken = true,
};
abuseFloods.AcceptOnlyFromAmong([.. AbuseBenchmark.All.Select(flood => flood.Name)]);
var abuseRounds = new Option<int>("--rounds") { Description = "How many times each flood runs, each on a fresh server; the table gives medians.", DefaultValueFactory = _ => 1 };
var abuse = new Command("abuse", "One user's floods (reading, catch-ups, joins, typing, refused calls, long lists), each against a fresh Chat with its default limits: a normal user's ack p99, server CPU, memory and error log lines; one table, met or not.")
{
    abuseQuiet, abuseFlood, abuseAfter, abuseFloods, abuseRounds,
};
abuse.SetAction(async (parse, cancellationToken) =>
{
    var options = new AbuseBenchmark.Options(
        TimeSpan.FromSeconds(parse.GetValue(abuseQuiet)), TimeSpan.FromSeconds(parse.GetValue(abuseFlood)), TimeSpan.FromSeconds(parse.GetValue(abuseAfter)), parse.GetValue(abuseFloods)!, parse.GetValue(abuseRounds));
    return await AbuseBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(abuse);

// chat-bench history-scale: a user's conversations read at 10,000 and at 1,000,000 stored messages, per store
var scaleMessages = new Option<int>("--messages") { Description = "Messages in the big history (the small one has 10,000).", DefaultValueFactory = _ => 1_000_000 };
var scaleCalls = new Option<int>("--calls") { Description = "Timed calls of each kind in a round (after as many warm-up ones).", DefaultValueFactory = _ => 20 };
var scaleRounds = new Option<int>("--rounds") { Description = "Rounds of timed calls on each history; medians are printed.", DefaultValueFactory = _ => 5 };
var scalePostgres = new Option<string?>("--postgres")
{
    Description = "Also measure PostgreSQL: a connection string whose role may create databases (e.g. Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres); each history gets a new database, dropped after.",
};
var scaleKeep = new Option<bool>("--keep") { Description = "Leave the seeded histories in place (and print where), to look at their query plans." };
var historyScale = new Command("history-scale", "Chat's reads of one user's 200 conversations (GetRooms, GetMissedMessages, GetRoomHistory), a join and a send, at 10,000 and at 1,000,000 stored messages, on SQLite and PostgreSQL.")
{
    scaleMessages, scaleCalls, scaleRounds, scalePostgres, scaleKeep,
};
historyScale.SetAction(async (parse, cancellationToken) =>
{
    var options = new HistoryScaleBenchmark.Options(parse.GetValue(scaleMessages), 10_000, parse.GetValue(scaleCalls), parse.GetValue(scaleRounds), parse.GetValue(scalePostgres), parse.GetValue(scaleKeep));
    return await HistoryScaleBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(historyScale);

// chat-bench search: search at the store on 1,000,000 messages, per store
var searchMessages = new Option<int>("--messages") { Description = "Messages seeded.", DefaultValueFactory = _ => 1_000_000 };
var searchQueries = new Option<int>("--queries") { Description = "Timed queries of each kind (after as many warm-up ones).", DefaultValueFactory = _ => 20 };
var searchPostgres = new Option<string?>("--postgres")
{
    Description = "Also measure PostgreSQL: a connection string whose role may create databases (e.g. Host=127.0.0.1;Port=5434;Username=postgres;Database=postgres); the history gets a new database, dropped after.",
};
var searchSkipSqlite = new Option<bool>("--skip-sqlite") { Description = "Measure PostgreSQL only." };
var search = new Command("search", "Search at the store on a big history (SQLite, and PostgreSQL when given): p50/p99 of 1-, 2- and 3-word queries and a phrase over one user's 201 conversations.")
{
    searchMessages, searchQueries, searchPostgres, searchSkipSqlite,
};
search.SetAction(async (parse, cancellationToken) =>
{
    var options = new Chat.Bench.Search.SearchBenchmark.Options(
        parse.GetValue(searchMessages), parse.GetValue(searchQueries), parse.GetValue(searchPostgres), parse.GetValue(searchSkipSqlite));
    return await Chat.Bench.Search.SearchBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(search);

// chat-bench rooms: team chat (named users in rooms of 10, one message per room per second), Chat against the bare hub with SignalR groups
var roomsUsers = new Option<int>("--users") { Description = $"Named users, a multiple of {RoomsBenchmark.RoomSize} (each needs an open file here and in the server: see ulimit -n).", DefaultValueFactory = _ => 5000 };
var roomsSeconds = new Option<double>("--seconds") { Description = "How long each room gets its one message a second, measured.", DefaultValueFactory = _ => 30 };
var roomsWarmUp = new Option<double>("--warm-up") { Description = "Seconds of the same schedule before the measured run, once everyone joined.", DefaultValueFactory = _ => 5 };
var rooms = new Command("rooms", "Team chat: named users connect, each joins its room of 10, each room gets one message a second; connect and join times, connections lost, delivery latency and Chat's presence frames, Chat against the bare hub with SignalR groups.")
{
    roomsUsers, roomsSeconds, roomsWarmUp, textLength,
};
rooms.SetAction(async (parse, cancellationToken) =>
{
    var options = new RoomsBenchmark.Options(parse.GetValue(roomsUsers), TimeSpan.FromSeconds(parse.GetValue(roomsSeconds)), TimeSpan.FromSeconds(parse.GetValue(roomsWarmUp)), parse.GetValue(textLength));
    if (options.Users < RoomsBenchmark.RoomSize || options.Users % RoomsBenchmark.RoomSize != 0)
    {
        await Console.Error.WriteLineAsync($"--users ({options.Users}) must be a positive multiple of {RoomsBenchmark.RoomSize}.");
        return 1;
    }

    return await RoomsBenchmark.RunAsync(options, Console.Out, cancellationToken) ? 0 : 2;
});
root.Subcommands.Add(rooms);

// The normal user of `floods` and `abuse`, in a process of its own (started by them).
var steadySenderUrl = new Argument<string>("url");
var steadySenderEvery = new Option<double>("--every") { Description = "Milliseconds between one ack and the next send.", DefaultValueFactory = _ => 250 };
var steadySender = new Command("steady-sender") { Hidden = true };
steadySender.Arguments.Add(steadySenderUrl);
steadySender.Options.Add(steadySenderEvery);
steadySender.SetAction((parse, cancellationToken) =>
    SteadySender.RunChildAsync(new Uri(parse.GetValue(steadySenderUrl)!), TimeSpan.FromMilliseconds(parse.GetValue(steadySenderEvery)), cancellationToken));
root.Subcommands.Add(steadySender);

return await root.Parse(args).InvokeAsync();
