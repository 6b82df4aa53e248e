using System.Text.RegularExpressions;
using Chat.Server.Hubs;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Clients;

/// <summary>The hub contract is spelled once per language: the .NET one (Chat.Client) and the page's module agree, and the hub implements it.</summary>
public partial class ContractTests
{
    [Fact]
    public void The_pages_contract_module_names_exactly_the_hubs_methods_and_the_client_methods()
    {
        var module = File.ReadAllText(Path.Combine(Repository.Root, "wwwroot", "js", "contract.js"));

        Names(module, "Hub").Should().BeEquivalentTo(typeof(IChatHub).GetMethods().Select(method => method.Name));
        Names(module, "Client").Should().BeEquivalentTo(typeof(IChatClient).GetMethods().Select(method => method.Name));
    }

    [Fact]
    public void The_hubs_public_methods_are_the_contracts()
    {
        var own = typeof(ChatHub).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(method => method.Name is not ("OnConnectedAsync" or "OnDisconnectedAsync"))
            .Select(method => method.Name);

        own.Should().BeEquivalentTo(typeof(IChatHub).GetMethods().Select(method => method.Name), "a hub method outside the contract would be callable by clients unseen");
    }

    /// <summary>The <c>Name: "Name"</c> entries of <c>export const <paramref name="block"/> = Object.freeze({ ... })</c>, each checked to spell its key.</summary>
    private static List<string> Names(string module, string block)
    {
        var body = Regex.Match(module, $@"export const {block} = Object\.freeze\(\{{(?<body>[^}}]*)\}}\);").Groups["body"].Value;
        var entries = Entry().Matches(body).Select(match => (Key: match.Groups[1].Value, Value: match.Groups[2].Value)).ToList();
        entries.Should().OnlyContain(entry => entry.Key == entry.Value, "each name is spelled as its key");
        return [.. entries.Select(entry => entry.Key)];
    }

    [GeneratedRegex(@"(\w+): ""(\w+)""")]
    private static partial Regex Entry();
}
