using System.Security.Claims;
using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Rooms;
using Chat.Server.Rules;
using Chat.Server.Security;
using Chat.Server.Web;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Server.Api;

/// <summary>A message a bot posts (<c>POST /api/v1/rooms/{room}/messages</c>).</summary>
/// <param name="Text">The text, taken as it is (no commands).</param>
/// <param name="ClientMessageId">Null, or 1 to 64 characters: the same id again returns the first message and stores nothing.</param>
/// <param name="ReplyTo">The id of a message of the same room that this one answers.</param>
public sealed record PostMessageRequest(string? Text, string? ClientMessageId = null, long? ReplyTo = null);

/// <summary>A bot's edit of its own message.</summary>
public sealed record EditMessageRequest(string? Text);

/// <summary>A room a bot creates (it becomes the owner).</summary>
public sealed record CreateRoomRequest(string? Room, bool Private = false, string? Topic = null);

/// <summary>
/// The server API for products and bots (SPEC section 15) under <c>/api/v1</c>: minimal APIs, each route documented in
/// <c>/openapi/v1.json</c>, authenticated by bot tokens (<see cref="BotAuthenticationHandler"/>), each needing a scope, drawing on
/// its bot's budget (the rate limiting middleware), and answering refusals as problem details. A bot is a user: it posts in rooms
/// it is in, as the hub does for people, under the same rules (text, mutes, retention, client message ids), and its messages say
/// <c>"bot": true</c>.
/// </summary>
internal static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix)
            .WithTags("Server API")
            .RequireRateLimiting(ApiExtensions.RatePolicy)
            .AddEndpointFilter(async (context, next) =>
            {
                try
                {
                    return await next(context);
                }
                catch (InputRejectedException refusal)
                {
                    return Problems.Problem(context.HttpContext, StatusCodes.Status400BadRequest, refusal.Message);
                }
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        Scoped(api.MapPost("/rooms/{room}/messages", PostAsync), BotScopes.MessagesWrite)
            .WithSummary("Posts a message as the bot to a room it is in (or to @user, directly).")
            .Produces<ChatMessage>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        Scoped(api.MapPatch("/rooms/{room}/messages/{id:long}", EditAsync), BotScopes.MessagesWrite)
            .WithSummary("Replaces the text of one of the bot's own messages.")
            .Produces<ChatMessage>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        Scoped(api.MapDelete("/rooms/{room}/messages/{id:long}", DeleteAsync), BotScopes.MessagesWrite)
            .WithSummary("Deletes one of the bot's own messages (again: nothing changes).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        Scoped(api.MapGet("/rooms/{room}/messages", ReadAsync), BotScopes.MessagesRead)
            .WithSummary("The messages of a room the bot is in after an id (none: the latest), oldest first.")
            .Produces<ChatMessage[]>();
        Scoped(api.MapGet("/rooms", ListAsync), scope: null)
            .WithSummary("The public rooms and the private ones the bot is in or invited to, by name.")
            .Produces<RoomListing[]>();
        Scoped(api.MapPost("/rooms", CreateAsync), BotScopes.RoomsManage)
            .WithSummary("Creates a room with the bot as its owner and only member.")
            .Produces<RoomSummary>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        Scoped(api.MapPut("/rooms/{room}/members/{user}", AddMemberAsync), BotScopes.RoomsManage)
            .WithSummary("Makes a user a member of a room the bot owns or moderates (no invite needed).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        Scoped(api.MapDelete("/rooms/{room}/members/{user}", RemoveMemberAsync), BotScopes.RoomsManage)
            .WithSummary("Takes a user out of a room the bot owns or moderates (a kick); the bot itself: it leaves.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    /// <summary>A route for bots holding <paramref name="scope"/> (null: any bot).</summary>
    private static RouteHandlerBuilder Scoped(RouteHandlerBuilder route, string? scope) =>
        route.RequireAuthorization(scope is null ? ApiExtensions.AnyBotPolicy : ApiExtensions.ScopePolicy(scope)).WithMetadata(new ScopeNeeded(scope ?? "any"));

    /// <summary>A conversation as the bot names it in a sentence: <c>general</c>, <c>#dev</c>, <c>@bob</c>.</summary>
    private static string Shown(string key, string bot) => key == Conversation.General ? "general" : RoomNames.Shown(key, bot);

    private static string BotOf(ClaimsPrincipal user) => user.FindFirst(ChatTokens.NameClaim)!.Value;

    private static async Task<IResult> PostAsync(
        string room,
        PostMessageRequest? body,
        HttpContext http,
        HistoryWriter writer,
        IHistoryStore store,
        Memberships memberships,
        RoomRulesCache roomRules,
        MessageRules rules,
        TimeProvider clock)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Resolve(room, bot);
        rules.CheckText(body?.Text);
        MessageRules.CheckClientMessageId(body!.ClientMessageId);
        if (await NotInAsync(http, memberships, bot, key) is { } notIn)
        {
            return notIn;
        }

        if ((await roomRules.GetAsync(key, http.RequestAborted)).MutedUntil(bot, clock.GetUtcNow().UtcDateTime) is { } until)
        {
            return Problems.Problem(http, StatusCodes.Status403Forbidden, $"The bot is muted in #{key} until {until:yyyy-MM-dd HH:mm} UTC.");
        }

        // A first message starts a direct conversation: a bot has as many as a person may (Chat:Rooms:MaxDirectPerUser).
        var maxDirect = memberships.Limits.MaxDirectPerUser;
        if (Conversation.IsDirect(key) && !await store.IsMemberAsync(bot, key, http.RequestAborted) && await store.DirectCountAsync(bot, http.RequestAborted) >= maxDirect)
        {
            return Problems.Problem(
                http, StatusCodes.Status409Conflict, $"The bot has {maxDirect} direct conversations, the most allowed (Chat:Rooms:MaxDirectPerUser); write in one of them instead of starting another.");
        }

        if (body.ReplyTo is { } answered && await store.FindAsync(key, answered, http.RequestAborted) is not { Deleted: false })
        {
            return Problems.Problem(http, StatusCodes.Status404NotFound, $"There is no message {answered} to reply to in {Shown(key, bot)}; send without replyTo.");
        }

        var mentions = await Mentions.InAsync(store, key, body.Text!, http.RequestAborted);
        var appended = await writer.AppendAsync(new NewMessage(key, bot, body.Text!, body.ClientMessageId, body.ReplyTo, mentions, Bot: true));
        if (appended.Message.Room != key)
        {
            return Problems.Problem(
                http, StatusCodes.Status409Conflict, "This clientMessageId was already used for a message in another conversation; give every message an id of its own (a new UUID).");
        }

        var message = Conversation.ForViewer(appended.Message, bot);
        return Results.Created($"{Prefix}/rooms/{Uri.EscapeDataString(room)}/messages/{message.Id}", message);
    }

    private static async Task<IResult> EditAsync(string room, long id, EditMessageRequest? body, HttpContext http, HistoryWriter writer, IHistoryStore store, Memberships memberships, RoomRulesCache roomRules, MessageRules rules, TimeProvider clock)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Resolve(room, bot);
        rules.CheckText(body?.Text);
        if (await NotInAsync(http, memberships, bot, key) is { } notIn)
        {
            return notIn;
        }

        if ((await roomRules.GetAsync(key, http.RequestAborted)).MutedUntil(bot, clock.GetUtcNow().UtcDateTime) is not null)
        {
            return Problems.Problem(http, StatusCodes.Status403Forbidden, $"The bot is muted in #{key}; it cannot edit there.");
        }

        var mentions = await Mentions.InAsync(store, key, body!.Text!, http.RequestAborted);
        var result = await writer.ChangeAsync(new MessageChange(ChangeKind.Edit, key, id, bot, Text: body.Text, Mentions: mentions));
        return Changed(http, result, key, bot, id) ?? Results.Ok(Conversation.ForViewer(result.Message!, bot));
    }

    private static async Task<IResult> DeleteAsync(string room, long id, HttpContext http, HistoryWriter writer, Memberships memberships)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Resolve(room, bot);
        if (await NotInAsync(http, memberships, bot, key) is { } notIn)
        {
            return notIn;
        }

        var result = await writer.ChangeAsync(new MessageChange(ChangeKind.Delete, key, id, bot));
        return Changed(http, result, key, bot, id) ?? Results.NoContent();
    }

    private static async Task<IResult> ReadAsync(string room, long? after, int? limit, HttpContext http, IHistoryStore store, Memberships memberships)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Resolve(room, bot);
        MessageRules.CheckHistoryLimit(limit ?? 100);
        if (await NotInAsync(http, memberships, bot, key) is { } notIn)
        {
            return notIn;
        }

        var messages = await store.GetAsync(key, after, limit ?? 100, http.RequestAborted);
        return Results.Ok(messages.Select(message => Conversation.ForViewer(message, bot)).ToArray());
    }

    private static async Task<IResult> ListAsync(HttpContext http, IHistoryStore store) =>
        Results.Ok(await store.ListRoomsAsync(BotOf(http.User), http.RequestAborted));

    private static async Task<IResult> CreateAsync(CreateRoomRequest? body, HttpContext http, Memberships memberships, IHistoryStore store, Dispatcher dispatcher)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Room(body?.Room);
        if (key == Conversation.General)
        {
            return Problems.Problem(http, StatusCodes.Status409Conflict, "#general exists and is everyone's; create a room with another name.");
        }

        var topic = RoomTopics.Normalize(body!.Topic);
        var outcome = await memberships.JoinAsync(bot, key, admin: false, new RoomSettings(body.Private, topic));
        if (outcome != JoinOutcome.Joined)
        {
            return Problems.Problem(http, StatusCodes.Status409Conflict, JoinRefusals.Sentence(outcome, key, memberships.Limits));
        }

        dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserJoinedRoom), key, bot);
        var summary = await store.SummaryAsync(bot, key, http.RequestAborted);
        return Results.Created($"{Prefix}/rooms/{key}", summary);
    }

    private static async Task<IResult> AddMemberAsync(string room, string user, HttpContext http, Memberships memberships, RoomRulesCache roomRules, Dispatcher dispatcher)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Room(room);
        var member = UserNames.Normalize(user);
        if (await NotModeratorAsync(http, roomRules, bot, key) is { } refused)
        {
            return refused;
        }

        var outcome = await memberships.JoinAsync(member, key, admin: true);
        switch (outcome)
        {
            case JoinOutcome.Joined:
                dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserJoinedRoom), key, member);
                return Results.NoContent();
            case JoinOutcome.AlreadyMember:
                return Results.NoContent();
            default:
                return Problems.Problem(http, StatusCodes.Status409Conflict, JoinRefusals.Sentence(outcome, key, memberships.Limits, member));
        }
    }

    private static async Task<IResult> RemoveMemberAsync(string room, string user, HttpContext http, Memberships memberships, Dispatcher dispatcher, TimeProvider clock)
    {
        var bot = BotOf(http.User);
        var key = RoomNames.Room(room);
        var member = UserNames.Normalize(user);
        if (member == bot)
        {
            if (await memberships.LeaveAsync(bot, key))
            {
                dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserLeftRoom), key, bot);
            }

            return Results.NoContent();
        }

        var result = await memberships.ModerateAsync(new ModerationAct(ModerationAction.Kick, key, bot, ActorIsAdmin: false, clock.GetUtcNow().UtcDateTime, member));
        switch (result.Outcome)
        {
            case ModerationOutcome.Done:
                dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserLeftRoom), key, member);
                dispatcher.Send(Audience.User(member), nameof(IChatClient.UserLeftRoom), key, member);
                dispatcher.Send(Audience.User(member), nameof(IChatClient.Notice), $"{bot} removed you from #{key}.");
                return Results.NoContent();
            case ModerationOutcome.NoRoom:
                return Problems.Problem(http, StatusCodes.Status404NotFound, $"There is no room #{key}.");
            case ModerationOutcome.NotMember:
                return Results.NoContent(); // what was asked holds
            case ModerationOutcome.NotAllowed:
                return Problems.Problem(http, StatusCodes.Status403Forbidden, $"The bot is not an owner or moderator of #{key}; only they remove members.");
            default:
                return Problems.Problem(http, StatusCodes.Status409Conflict, $"{member} has a role in #{key} as high as the bot's or higher; the bot removes only plain members.");
        }
    }

    /// <summary>403 when the bot is not in the conversation (as the hub refuses people); null when it is.</summary>
    private static async Task<IResult?> NotInAsync(HttpContext http, Memberships memberships, string bot, string key) =>
        key == Conversation.General || await memberships.IsMemberAsync(bot, key, http.RequestAborted)
            ? null
            : Problems.Problem(
                http,
                StatusCodes.Status403Forbidden,
                $"The bot is not in #{key}; add it with PUT {Prefix}/rooms/{key}/members/{bot} (a bot that owns or moderates the room), or create the room with POST {Prefix}/rooms.");

    private static async Task<IResult?> NotModeratorAsync(HttpContext http, RoomRulesCache roomRules, string bot, string key)
    {
        var rules = await roomRules.GetAsync(key, http.RequestAborted);
        if (ReferenceEquals(rules, RoomRules.None))
        {
            return Problems.Problem(http, StatusCodes.Status404NotFound, $"There is no room #{key}.");
        }

        return ModerationRules.Rank(rules.RoleOf(bot)) >= 1
            ? null
            : Problems.Problem(http, StatusCodes.Status403Forbidden, $"The bot is not an owner or moderator of #{key}; only they add and remove members.");
    }

    /// <summary>The refusal of a change that did not go through; null when it did (or changed nothing).</summary>
    private static IResult? Changed(HttpContext http, ChangeResult result, string key, string bot, long id) => result.Outcome switch
    {
        ChangeOutcome.Changed or ChangeOutcome.Unchanged => null,
        ChangeOutcome.NotFound => Problems.Problem(http, StatusCodes.Status404NotFound, $"There is no message {id} in {Shown(key, bot)}."),
        ChangeOutcome.NotAuthor => Problems.Problem(http, StatusCodes.Status403Forbidden, $"Message {id} is {result.Message!.User}'s; a bot changes only its own messages."),
        _ => Problems.Problem(http, StatusCodes.Status409Conflict, $"Message {id} was deleted; it cannot be edited."),
    };
}
