using Chat.Server.Search;

namespace Chat.Tests.Search;

/// <summary>How search reads a query and finds words in a text: plain rules, no server.</summary>
public class SearchTextTests
{
    [Fact]
    public void A_query_is_read_into_words_phrases_an_author_and_a_conversation()
    {
        var query = SearchQuery.Parse("  Deploy \"build is RED\" from:bob in:#dev e-mail fail");

        query.Terms.Select(term => (string.Join(' ', term.Words), term.Prefix)).Should().Equal(
            ("deploy", false), ("build is red", false), ("e", false), ("mail", false), ("fail", true));
        query.From.Should().Be("bob");
        query.In.Should().Be("#dev");
    }

    [Fact]
    public void Highlights_are_utf16_offsets_into_the_text_as_written()
    {
        // An emoji (two UTF-16 units) before the word, a decomposed é (e + U+0301), and a capital with its accent
        const string Text = "😀 Cafe\u0301 and CAFÉ, cafeteria";

        var highlights = SearchText.Highlights(Text, SearchQuery.Parse("café").Terms);

        highlights.Select(span => Text.Substring(span[0], span[1])).Should().Equal("Cafe\u0301", "CAFÉ", "cafeteria");
        highlights[0].Should().Equal(3, 5);
    }

    [Fact]
    public void Words_are_runs_of_letters_and_digits_compared_without_accents_case_or_final_sigma()
    {
        SearchText.Words("Ελληνικά ΚΑΦΕΣ καφες, naïve_über 2nd!").Select(word => word.Key).Should().Equal("ελληνικα", "καφεσ", "καφεσ", "naive", "uber", "2nd");
        SearchText.Indexed("Crème brûlée").Should().Be("creme brulee");
    }
}
