namespace Chat.Client;

/// <summary>One message a search found (<c>SearchMessages</c>), in its current state, as its receiver sees it.</summary>
/// <param name="Message">The message; <c>room</c> as the caller sees it (<c>@peer</c> for a direct conversation).</param>
/// <param name="Highlights">
/// Where the search's words are in <see cref="ChatMessage.Text"/>: <c>[start, length]</c> pairs in UTF-16 code units, in order,
/// each word once (a phrase: each of its words).
/// </param>
public sealed record SearchHit(ChatMessage Message, int[][] Highlights);
