using Chat.Testing;
using System.Net;
using System.Text;
using Chat.Server.Operations;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Operations;

/// <summary>
/// SPEC section 7 and 9: a flood of bad calls, or a store that fails every commit, cannot flood the disk with
/// log lines; refusals are logged without stack traces.
/// </summary>
public class LogVolumeTests
{
    [Fact]
    public async Task Two_thousand_pipelined_rejected_calls_write_less_than_64_KiB_of_log()
    {
        // Arrange
        await using var app = new ChatApplication();
        using var socket = await RawHubSocket.ConnectAsync(app, "mallory");
        var before = app.Logs.Lines.Count;

        // Act: 2,000 invocations that each break a rule, sent back to back in a few frames
        for (var frame = 0; frame < 20; frame++)
        {
            var calls = new StringBuilder();
            for (var i = 0; i < 100; i++)
            {
                calls.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"type\":1,\"invocationId\":\"{(frame * 100) + i}\",\"target\":\"{nameof(IChatHub.SendToRoom)}\",\"arguments\":[\"general\",\"   \",null]}}\u001e");
            }

            await socket.SendTextAsync(calls.ToString());
        }

        var completions = 0;
        while (completions < 2000 && await socket.ReceiveAsync() is { } record)
        {
            completions += record.Contains("\"type\":3", StringComparison.Ordinal) ? 1 : 0;
        }

        // Assert
        completions.Should().Be(2000, "every call got its refusal");
        var written = app.Logs.Lines.Skip(before).ToList();
        written.Sum(line => Encoding.UTF8.GetByteCount(line)).Should().BeLessThan(64 * 1024, string.Join('\n', written.Take(20)));
        written.Should().NotContain(line => line.Contains("   at ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_full_disk_writes_fewer_than_100_log_lines_in_10_seconds_of_failing_sends()
    {
        // Arrange: five senders on a server whose disk is full
        using var disk = SmallDisk.Mount(4 * 1024 * 1024);
        await using var chat = await ChatProcess.StartOnAsync(Path.Combine(disk.Path, "chat.db"), "--Chat:RateLimit:PerSecond", "0");
        var senders = new List<TestClient>();
        for (var i = 0; i < 5; i++)
        {
            senders.Add(await chat.ConnectAsync($"sender{i}"));
        }

        using var http = new HttpClient { BaseAddress = chat.Url };
        disk.Fill();
        var before = chat.Output.Split('\n').Length;

        // Act: ten seconds of sends that fail, and readiness probes (an orchestrator's, and a flood of them)
        var failures = 0;
        var end = DateTime.UtcNow.AddSeconds(10);
        var probes = Task.Run(async () =>
        {
            while (DateTime.UtcNow < end)
            {
                using var ready = await http.GetAsync("/readyz");
            }
        });
        while (DateTime.UtcNow < end)
        {
            var sends = senders.Select(async (sender, i) =>
            {
                try
                {
                    await sender.SendAsync(new string('x', 1900), $"sender{i}");
                    return 0;
                }
                catch (Microsoft.AspNetCore.SignalR.HubException)
                {
                    return 1;
                }
            });
            failures += (await Task.WhenAll(sends)).Sum();
        }

        await probes;

        // Assert
        var lines = chat.Output.Split('\n').Skip(before).ToList();
        failures.Should().BeGreaterThan(100, "the disk is full: sends fail");
        lines.Count.Should().BeLessThan(100, string.Join('\n', lines.Take(60)));
        foreach (var sender in senders)
        {
            await sender.DisposeAsync();
        }
    }

    [Fact]
    public void A_throttle_writes_the_first_line_of_a_kind_then_one_summary_per_window()
    {
        // Arrange
        var clock = new FakeTimeProvider();
        var summaries = new List<string>();
        using var throttle = new LogThrottle<string>(clock, (state, count, span) => summaries.Add($"{state} x{count} in {span.TotalSeconds:0} s"));

        // Act: a flood of one kind, a single line of another
        var allowed = Enumerable.Range(0, 1000).Count(_ => throttle.Allow("a", "kind a"));
        var other = throttle.Allow("b", "kind b");
        clock.Advance(LogThrottle<string>.Window);
        var afterFirstWindow = summaries.ToList();
        throttle.Allow("a", "kind a");
        clock.Advance(LogThrottle<string>.Window);
        var afterSecondWindow = summaries.ToList();
        clock.Advance(LogThrottle<string>.Window * 2);

        // Assert
        allowed.Should().Be(1);
        other.Should().BeTrue("another kind has its own first line");
        afterFirstWindow.Should().Equal("kind a x999 in 10 s");
        afterSecondWindow.Should().Equal("kind a x999 in 10 s", "kind a x1 in 10 s");
        throttle.Allow("a", "kind a").Should().BeTrue("a kind that went quiet starts again with a line of its own");
    }
}
