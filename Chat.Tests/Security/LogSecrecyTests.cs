using Chat.Server.Security;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Security;

public class LogSecrecyTests
{
    [Fact]
    public async Task Logs_never_contain_the_signing_key_tokens_or_message_texts()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key });
        var token = ChatTokens.Create(AuthTests.Key, "alice", admin: true, TimeSpan.FromHours(1));
        var forged = ChatTokens.Create("a-different-key-0123456789abcdef-0123456789", "mallory", admin: true, TimeSpan.FromHours(1));
        const string secretText = "the launch code is 0000";

        // Act: sign in, send, fail, get rejected, and use a forged token in the query string and the header.
        await using (var alice = await app.ConnectAsync(user: null, token: token))
        {
            await alice.SendAsync(secretText, "alice");
            var rejected = () => alice.SendAsync(secretText + new string('!', 3000), "alice");
            await rejected.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>();
            await alice.SendAsync("/clear", "alice");
        }

        using var http = app.CreateClient();
        await http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&access_token={forged}", null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new("Bearer", forged);
        await http.SendAsync(request);

        // Assert
        var logs = string.Join('\n', app.Logs.Lines);
        logs.Should().NotBeEmpty();
        logs.Should().NotContain(AuthTests.Key).And.NotContain(token).And.NotContain(forged);
        logs.Should().NotContain(token.Split('.')[2], "not even a token's signature part");
        logs.Should().NotContain(secretText, "message texts are not logged");
    }
}
