using System.Net;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Operations;

// Metrics are process-wide (every test server's meters reach every exporter), so these run alone.
[Collection(NonParallelTests.Name)]
public class HealthAndMetricsTests
{
    [Fact]
    public async Task Healthz_and_readyz_answer_200_while_the_store_works()
    {
        await using var app = new ChatApplication();
        using var http = app.CreateClient();

        using var alive = await http.GetAsync("/healthz");
        using var ready = await http.GetAsync("/readyz");

        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task Readyz_answers_503_when_the_store_cannot_be_reached_while_healthz_stays_200()
    {
        await using var app = new ChatApplication();
        using var http = app.CreateClient();
        (await http.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The history file disappears and a folder takes its place: the store can no longer open it.
        ChatApplication.DeleteDatabase(app.DatabasePath);
        Directory.CreateDirectory(app.DatabasePath);
        try
        {
            using var ready = await http.GetAsync("/readyz").DefaultTimeout();
            using var alive = await http.GetAsync("/healthz");

            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            alive.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            Directory.Delete(app.DatabasePath);
        }
    }

    [Fact]
    public async Task Metrics_count_connections_accepted_rejected_delivered_messages_and_commit_latency()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.SendAsync("counted");
        await bob.NextMessageAsync();
        var rejected = () => alice.SendAsync("   ");
        await rejected.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>();
        using var http = app.CreateClient();

        var metrics = await http.GetStringAsync("/metrics");

        metrics.Should().Contain("chat_connections{").And.MatchRegex(@"chat_connections\{[^}]*\} 2\b");
        metrics.Should().MatchRegex(@"chat_messages_accepted_total\{[^}]*\} 1\b");
        metrics.Should().MatchRegex(@"chat_messages_rejected_total\{[^}]*reason=""empty_text""[^}]*\} 1\b");
        metrics.Should().MatchRegex(@"chat_messages_delivered_total\{[^}]*\} 2\b");
        metrics.Should().Contain("chat_history_commit_duration_seconds_bucket");
        metrics.Should().Contain("le=\"0.001\"", "commit times are seconds, so the buckets start well under one");
        metrics.Should().MatchRegex(@"dotnet_gc_collections_total\{[^}]*\} \d", "the runtime's metrics (GC, JIT, thread pool) are exported too");
    }

    [Fact]
    public void Settings_are_read_once_so_nothing_watches_the_folder_the_history_file_is_in()
    {
        using var app = new ChatApplication();
        var configuration = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();

        // appsettings.json is read, and not watched: a watcher on the content root wakes at every commit
        // of a SQLite file kept there (the default place).
        configuration.Providers.OfType<FileConfigurationProvider>().Should().NotBeEmpty()
            .And.OnlyContain(provider => !provider.Source.ReloadOnChange);
    }

    [Fact]
    public async Task With_a_metrics_token_metrics_answer_only_to_it()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:MetricsToken"] = "scrape-0123456789" });
        using var http = app.CreateClient();

        using var anonymous = await http.GetAsync("/metrics");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", "guess") } };
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", "scrape-0123456789") } };
        using var wrongAnswer = await http.SendAsync(wrong);
        using var rightAnswer = await http.SendAsync(right);

        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.Content.ReadAsStringAsync()).Should().Contain("Chat:MetricsToken");
        wrongAnswer.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        rightAnswer.StatusCode.Should().Be(HttpStatusCode.OK);
        (await rightAnswer.Content.ReadAsStringAsync()).Should().Contain("# TYPE");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelTests
{
    public const string Name = "Runs alone";
}
