using Chat.Client.Console;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.ConsoleClient;

/// <summary>The small rules of the client: how long it keeps reconnecting, what the user reads on failure, the hub address.</summary>
public class ClientPartsTests
{
    [Fact]
    public void Reconnect_retries_at_once_then_backs_off_to_every_10_seconds_and_gives_up_after_2_minutes()
    {
        var policy = new ReconnectPolicy(new ChatEndpoint(new Uri("http://localhost:5000"), "alice"));

        var delays = Enumerable.Range(0, 7).Select(count => policy.NextRetryDelay(new RetryContext { PreviousRetryCount = count, ElapsedTime = TimeSpan.FromSeconds(count) }));
        var late = policy.NextRetryDelay(new RetryContext { PreviousRetryCount = 15, ElapsedTime = TimeSpan.FromMinutes(2) });

        delays.Select(delay => delay!.Value.TotalSeconds).Should().Equal(0, 1, 2, 5, 10, 10, 10);
        late.Should().BeNull();
    }

    [Fact]
    public void A_hub_error_reads_as_the_servers_sentence_alone()
    {
        var error = new HubException("An unexpected error occurred invoking 'SendMessage' on the server. HubException: The message is empty. Type some text before sending.");

        ErrorText.Describe(error, new Uri("http://localhost:5000")).Should().Be("The message is empty. Type some text before sending.");
    }

    [Fact]
    public void A_connection_closed_for_a_protocol_reason_reads_as_that_reason()
    {
        var error = new HubException(
            "The server closed the connection with the following error: Connection closed with an error. " +
            "InvalidDataException: The maximum message size of 32768B was exceeded.");

        ErrorText.Describe(error, new Uri("http://localhost:5000")).Should().Be("the server closed the connection: The maximum message size of 32768B was exceeded.");
    }

    [Fact]
    public void A_server_that_answers_negotiate_with_an_error_status_is_named_with_the_status()
    {
        var error = new HttpRequestException("Response status code does not indicate success: 404 (Not Found).", null, System.Net.HttpStatusCode.NotFound);

        ErrorText.Describe(error, new Uri("http://localhost:5000/")).Should().Be("cannot connect to http://localhost:5000/: it answered 404 (NotFound); is it a Chat server?");
    }

    [Theory]
    [InlineData("http://localhost:5000", "alice", "http://localhost:5000/hubs/chat?user=alice")]
    [InlineData("http://localhost:5000/", "a b&c", "http://localhost:5000/hubs/chat?user=a%20b%26c")]
    [InlineData("https://example.test/chat/", null, "https://example.test/chat/hubs/chat")]
    [InlineData("http://localhost:5000", "", "http://localhost:5000/hubs/chat")]
    public void The_hub_url_is_the_server_plus_hubs_chat_with_the_escaped_user(string server, string? user, string expected)
    {
        new ChatClientOptions { Server = new Uri(server), User = user }.HubUrl.AbsoluteUri.Should().Be(expected);
    }
}
