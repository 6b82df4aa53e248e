using System.CommandLine;
using Chat.Bench;

var rounds = new Option<int>("--rounds") { Description = "How many rounds; medians are printed.", DefaultValueFactory = _ => 3 };
var senders = new Option<int>("--senders") { Description = "Concurrent senders.", DefaultValueFactory = _ => 20 };

// chat-bench [sends]: acked sends per second with one sender and with many
var url = new Option<Uri?>("--url") { Description = "A running Chat server to measure; by default the benchmark starts its own (Release, rate limit off, fresh SQLite file)." };
var messages = new Option<int>("--messages") { Description = "Messages each sender sends per round.", DefaultValueFactory = _ => 1000 };
var root = new RootCommand("Chat benchmark: acked sends per second with one sender and with many concurrent senders (default), or one node versus two (cluster).")
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

return await root.Parse(args).InvokeAsync();
