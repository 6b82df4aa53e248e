using Chat.Client.Console;

namespace Chat.Tests.ConsoleClient;

/// <summary>What a line typed at the prompt asks for: the client's conversation commands, or text for the current conversation.</summary>
public class TypedLineTests
{
    [Theory]
    [InlineData("/join dev", "dev")]
    [InlineData("/join #dev", "#dev")]
    [InlineData("/JOIN  Dev ", "Dev")]
    public void Join_takes_the_room_as_typed_for_the_server_to_read_and_quote(string line, string room)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Join(room));
    }

    [Theory]
    [InlineData("/go dev", "dev")]
    [InlineData("/go #dev", "dev")]
    [InlineData("/go general", "general")]
    [InlineData("/go @bob", "@bob")]
    [InlineData("/go bob", "bob")]
    [InlineData("/leave #dev", "dev")]
    public void Go_and_leave_take_a_room_or_an_at_user(string line, string room)
    {
        var parsed = TypedLine.Parse(line);

        (parsed switch { TypedLine.Go go => go.Room, TypedLine.Leave leave => leave.Room, _ => null }).Should().Be(room);
    }

    [Theory]
    [InlineData("/msg bob hello there", "@bob", "hello there")]
    [InlineData("/msg @bob  hi", "@bob", "hi")]
    [InlineData("/Msg bob /who is not a command here", "@bob", "/who is not a command here")]
    public void Msg_is_a_direct_message_to_the_user(string line, string room, string text)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.DirectMessage(room, text));
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("/who")]
    [InlineData("/clear")]
    [InlineData("//join is text")]
    [InlineData("/joined the club")]
    public void Anything_else_is_text_for_the_current_conversation_as_typed(string line)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Text(line));
    }

    [Theory]
    [InlineData("/join", "/join needs a room name, e.g. /join dev.")]
    [InlineData("/leave ", "/leave needs a room name, e.g. /leave dev.")]
    [InlineData("/go", "/go needs a conversation, e.g. /go dev, /go @bob or /go general.")]
    [InlineData("/msg bob", "/msg needs a user and a message, e.g. /msg bob hello.")]
    [InlineData("/reply", "/reply needs your answer, e.g. /reply sounds good.")]
    [InlineData("/edit  ", "/edit needs the new text, e.g. /edit see you at ten.")]
    [InlineData("/delete that one", "/delete takes nothing after it: it deletes your last message in the current conversation.")]
    [InlineData("/react", "/react needs one emoji, e.g. /react 👍.")]
    [InlineData("/react 👍 🎉", "/react needs one emoji, e.g. /react 👍.")]
    public void A_command_without_its_arguments_says_how_to_use_it(string line, string message)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Usage(message));
    }

    [Fact]
    public void Rooms_lists_the_conversations()
    {
        TypedLine.Parse("/rooms").Should().BeOfType<TypedLine.Rooms>();
    }

    [Fact]
    public void Reply_edit_delete_and_react_act_on_the_last_message_with_what_follows_them()
    {
        TypedLine.Parse("/reply  sounds  good ").Should().Be(new TypedLine.Reply("sounds  good"));
        TypedLine.Parse("/Edit see you at ten").Should().Be(new TypedLine.Edit("see you at ten"));
        TypedLine.Parse("/delete").Should().BeOfType<TypedLine.Delete>();
        TypedLine.Parse("/react 👍🏽").Should().Be(new TypedLine.React("👍🏽"));
    }

    [Theory]
    [InlineData("/search deploy", "deploy")]
    [InlineData("/Search  \"build is red\" from:bob in:#dev ", "\"build is red\" from:bob in:#dev")]
    [InlineData("/search", "")]
    public void Search_takes_the_query_as_typed_even_an_empty_one_for_the_server_to_read_or_refuse(string line, string query)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Search(query));
    }

    [Fact]
    public void Help_is_the_consoles_own()
    {
        TypedLine.Parse("/help").Should().BeOfType<TypedLine.Help>();
    }
}
