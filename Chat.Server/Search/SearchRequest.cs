namespace Chat.Server.Search;

/// <summary>What a store searches: <paramref name="Conversations"/> (store keys the caller may read, already checked), <paramref name="Terms"/> (all must match), and optionally only <paramref name="Author"/>'s messages.</summary>
public sealed record SearchRequest(IReadOnlyList<string> Conversations, IReadOnlyList<SearchTerm> Terms, string? Author, int Limit);
