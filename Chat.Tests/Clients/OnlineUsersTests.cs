using Chat.Testing;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Clients;

/// <summary>
/// Presence as a person sees it (Chat.Client's <see cref="OnlineUsers"/>): the server's <c>UserJoined</c> means a first
/// connection at the server, and a restarted server has forgotten everyone, so each user reconnecting looks new to it.
/// The client tells only real arrivals and departures.
/// </summary>
public class OnlineUsersTests
{
    [Fact]
    public async Task After_a_server_restart_users_who_reconnect_are_not_told_as_arrivals_and_a_new_one_is()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatClient.ConnectAsync(chat.Url, "alice");
        var joined = new List<string>();
        var left = new List<string>();
        alice.UserJoined += user => { lock (joined) { joined.Add(user); } };
        alice.UserLeft += user => { lock (left) { left.Add(user); } };
        var raw = new List<string>(); // what the server sent
        alice.Connection.On<string>(nameof(IChatClient.UserJoined), user => { lock (raw) { raw.Add(user); } });
        await Eventually.Until(() => alice.Online.Users.Contains("alice"), "alice has the server's list (read once her handlers were added)");
        await using var bob = await ChatClient.ConnectAsync(chat.Url, "bob");
        await Eventually.Until(() => Snapshot(joined).Contains("bob"), "alice hears that bob arrived");

        // Act: the server dies and comes back on the same port and history; both clients reconnect by themselves.
        await chat.RestartAsync();
        await Eventually.Until(() => alice.State == HubConnectionState.Connected && bob.State == HubConnectionState.Connected, "both reconnect", TimeSpan.FromSeconds(60));
        await Eventually.Until(() => Snapshot(raw).Count(line => line == "bob") == 2, "the restarted server announces bob's return to alice", TimeSpan.FromSeconds(30));
        await using var carol = await ChatClient.ConnectAsync(chat.Url, "carol");

        // Assert
        await Eventually.Until(() => Snapshot(joined).Contains("carol"), "alice hears that carol arrived");
        Snapshot(joined).Should().Equal(["bob", "carol"], "bob came back, he did not arrive again");
        Snapshot(left).Should().BeEmpty("nobody was seen leaving");
        alice.Online.Users.Should().Equal("alice", "bob", "carol");
    }

    [SkippableFact]
    public async Task On_two_nodes_a_restart_of_the_other_node_tells_no_arrival_of_someone_already_shown()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var alice = await ChatClient.ConnectAsync(cluster.A.Url, "alice");
        var seen = new List<string>(); // what alice is told, in order: "+bob", "-bob"
        alice.UserJoined += user => { lock (seen) { seen.Add("+" + user); } };
        alice.UserLeft += user => { lock (seen) { seen.Add("-" + user); } };
        var raw = new List<string>();
        alice.Connection.On<string>(nameof(IChatClient.UserJoined), user => { lock (raw) { raw.Add(user); } });
        await Eventually.Until(() => alice.Online.Users.Contains("alice"), "alice has the cluster's list");
        await using var bob = await ChatClient.ConnectAsync(cluster.B.Url, "bob");
        await Eventually.Until(() => Snapshot(seen).Contains("+bob"), "alice hears that bob arrived on the other node");

        // Act: node B dies and comes back; bob reconnects to it by himself; then carol arrives there.
        await cluster.B.RestartAsync();
        await Eventually.Until(() => bob.State == HubConnectionState.Connected, "bob reconnects", TimeSpan.FromSeconds(60));
        await Task.Delay(Server.Presence.PresenceAnnouncer.LeaveGrace + Server.Presence.PresenceAnnouncer.JoinSettle); // what would be told, is
        await using var carol = await ChatClient.ConnectAsync(cluster.B.Url, "carol");

        // Assert: bob arrives again only if alice was told he had left; carol arrives.
        await Eventually.Until(() => Snapshot(seen).Contains("+carol"), "alice hears that carol arrived");
        var aboutBob = Snapshot(seen).Where(line => line.EndsWith("bob", StringComparison.Ordinal)).ToArray();
        string.Join(" ", aboutBob).Should().BeOneOf(["+bob", "+bob -bob +bob"], "an arrival is told only of someone not shown online");
        alice.Online.Users.Should().Equal("alice", "bob", "carol");
        Snapshot(raw).Should().Contain("carol");
    }

    [Fact]
    public void A_user_shown_online_before_a_drop_comes_back_quietly_within_the_window_and_as_an_arrival_after_it()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var online = new OnlineUsers(clock);
        online.Reset(["alice", "bob", "dave"], reconnected: false);

        // Act: the client drops; back, the server knows only alice yet (bob and dave reconnect later).
        online.Resetting();
        online.Joined("dave").Should().BeFalse("dave was online and still is, as far as the client knows");
        online.Reset(["alice"], reconnected: true);
        online.Users.Should().Equal("alice", "dave");

        // Assert
        clock.Advance(TimeSpan.FromSeconds(30));
        online.Joined("bob").Should().BeFalse("bob is back within the window");
        online.Joined("bob").Should().BeFalse("already online");
        online.Joined("erin").Should().BeTrue("erin was never shown");
        online.Left("bob").Should().BeTrue();
        online.Left("bob").Should().BeFalse("already gone");
        online.Joined("bob").Should().BeTrue("bob left and came back: an arrival");

        online.Resetting();
        online.Reset(["alice"], reconnected: true);
        clock.Advance(OnlineUsers.ReturnWindow);
        online.Joined("erin").Should().BeTrue("erin came back only after the window");
    }

    private static List<string> Snapshot(List<string> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
