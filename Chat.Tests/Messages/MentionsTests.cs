using Chat.Server.Rules;

namespace Chat.Tests.Messages;

/// <summary>What the text of a message makes of mentions, and what the largest text may cost.</summary>
public class MentionsTests
{
    [Fact]
    public void Only_the_first_fifty_at_signs_of_a_text_are_looked_at_so_one_send_asks_the_store_a_bounded_question()
    {
        var text = string.Concat(Enumerable.Range(0, 600).Select(n => $"@u{n} "))[..2000];

        var candidates = Mentions.Candidates(text);

        candidates.Select(candidate => candidate.At).Distinct().Should().HaveCount(Mentions.MaxAts);
        candidates.Should().HaveCountLessThanOrEqualTo(Mentions.MaxAts * UserNames.MaxLength);
        Mentions.Resolve(candidates, ["u49", "u50"]).Should().Equal("u49");
    }

    [Theory]
    [InlineData("mail bob@example.org", new string[0])]
    [InlineData("@bobby", new[] { "bobby" })]
    [InlineData("@bob, hi", new[] { "bob" })]
    [InlineData("(@BOB)", new[] { "bob" })]
    [InlineData("@bob and @bob", new[] { "bob" })]
    public void Mentions_start_a_word_and_end_where_a_name_ends(string text, string[] expected)
    {
        var found = Mentions.Resolve(Mentions.Candidates(text), ["bob", "bobby"]);

        (found ?? []).Should().Equal(expected);
    }
}
