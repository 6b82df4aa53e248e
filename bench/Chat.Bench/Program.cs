using System.CommandLine;
using Chat.Bench;

var url = new Option<Uri?>("--url") { Description = "A running Chat server to measure; by default the benchmark starts its own (Release, rate limit off, fresh SQLite file)." };
var rounds = new Option<int>("--rounds") { Description = "How many rounds; medians are printed.", DefaultValueFactory = _ => 3 };
var messages = new Option<int>("--messages") { Description = "Messages each sender sends per round.", DefaultValueFactory = _ => 1000 };
var senders = new Option<int>("--senders") { Description = "Concurrent senders in the concurrent scenario.", DefaultValueFactory = _ => 20 };

var root = new RootCommand("Chat benchmark: acked sends per second with one sender and with many concurrent senders.")
{
    url, rounds, messages, senders,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new SendBenchmark.Options(parse.GetValue(rounds), parse.GetValue(messages), parse.GetValue(senders));
    await using var server = parse.GetValue(url) is { } given ? null : await BenchServer.StartAsync(cancellationToken);
    await SendBenchmark.RunAsync(server?.Url ?? parse.GetValue(url)!, options, Console.Out, cancellationToken);
    return 0;
});

return await root.Parse(args).InvokeAsync();
