using Chat.Testing;
using System.Net;
using System.Net.Sockets;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

/// <summary>SPEC section 9: start-up problems are one line naming the problem and exit code 1, never a stack trace; the first log line says which store and backplane are in use.</summary>
public class StartupErrorTests
{
    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_code_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await RunUntilExitAsync("--urls", $"http://127.0.0.1:{port}");

        exitCode.Should().Be(1);
        ErrorLines(output).Should().Equal(
            $"Start-up error: Failed to bind to address http://127.0.0.1:{port}: address already in use: another process listens there. Stop it, or choose another address with --urls (e.g. --urls http://localhost:5080).");
        output.Should().NotContain("   at ");
    }

    [Fact]
    public async Task PostgreSQL_out_of_reach_is_one_line_and_exit_code_1()
    {
        var (exitCode, output) = await RunUntilExitAsync("--ConnectionStrings:Chat", "Host=127.0.0.1;Port=1;Database=chat;Username=chat");

        exitCode.Should().Be(1);
        ErrorLines(output).Should().Equal("Start-up error: cannot reach PostgreSQL at 127.0.0.1:1 (ConnectionStrings:Chat): Connection refused");
        output.Should().NotContain("   at ");
    }

    [SkippableFact]
    public async Task Redis_out_of_reach_is_one_line_and_exit_code_1()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var (exitCode, output) = await RunUntilExitAsync("--Chat:Redis", "127.0.0.1:1", "--ConnectionStrings:Chat", database);

        exitCode.Should().Be(1);
        ErrorLines(output).Should().Equal("Start-up error: cannot reach Redis at 127.0.0.1:1 (Chat:Redis): it did not answer within 10 s. Start it, or unset Chat:Redis to run a single node.");
        output.Should().NotContain("   at ");
    }

    [Fact]
    public async Task Redis_with_a_SQLite_history_is_one_line_naming_both_keys_and_exit_code_1()
    {
        var (exitCode, output) = await RunUntilExitAsync("--Chat:Redis", "127.0.0.1:6379");

        exitCode.Should().Be(1);
        ErrorLines(output).Should().Equal(
            "Configuration error: Chat:Redis is set, but ConnectionStrings:Chat is a SQLite file: nodes with histories of their own cannot give messages one order. Give every node the same PostgreSQL database in ConnectionStrings:Chat (Host=...), or unset Chat:Redis for one node.");
        output.Should().NotContain("   at ");
    }

    [SkippableFact]
    public async Task A_missing_PostgreSQL_database_is_created_when_the_role_may()
    {
        var postgres = await PostgresServer.SharedAsync();
        await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0", "--ConnectionStrings:Chat", postgres.MissingDatabase()] });
        await server.WaitUntilListeningAsync();
        await using var alice = await StandardClient.StartAsync("dotnet", server.Url, "alice");

        server.Output.Should().Contain("History: PostgreSQL database chat_").And.Contain("Backplane: none");
        using var http = new HttpClient { BaseAddress = server.Url };
        (await http.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [SkippableFact]
    public async Task A_missing_PostgreSQL_database_the_role_may_not_create_says_how_to_create_it()
    {
        var postgres = await PostgresServer.SharedAsync();
        var database = $"chat_{Guid.NewGuid():N}";
        var connectionString = await postgres.RoleWithoutCreateDbAsync(database);
        var role = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Username;

        var (exitCode, output) = await RunUntilExitAsync("--ConnectionStrings:Chat", connectionString);

        exitCode.Should().Be(1);
        ErrorLines(output).Should().Equal(
            $"Start-up error: the PostgreSQL database {database} does not exist, and role {role} may not create it. Create it once, as a role that may: createdb -h 127.0.0.1 -p {postgres.Port} -O {role} {database}");
        output.Should().NotContain("   at ");
    }

    private static async Task<(int ExitCode, string Output)> RunUntilExitAsync(params string[] arguments)
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0", "--ConnectionStrings:Chat", $"Data Source={database}", .. arguments] });
            var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));
            return (exitCode, server.Output);
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    /// <summary>What is not a log line: the console logger's lines start with a level (<c>info:</c>), and their text is indented.</summary>
    private static IEnumerable<string> ErrorLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !char.IsWhiteSpace(line[0]) && !line.StartsWith("info:", StringComparison.Ordinal) && !line.StartsWith("warn:", StringComparison.Ordinal));
}
