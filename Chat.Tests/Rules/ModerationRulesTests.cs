using Chat.Server.History;

namespace Chat.Tests.Rules;

/// <summary>The rules both stores decide moderation acts by (SPEC section 15), case by case.</summary>
public sealed class ModerationRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    private static readonly ModerationFacts Room = new(RoomExists: true, Topic: null, ActorRole: "moderator", TargetRole: null, TargetIsMember: true, TargetInvited: false, null, null, Owners: 1);

    private static ModerationAct Act(ModerationAction action, bool admin = false, string target = "bob") => new(action, "dev", "alice", admin, Now, target, Now.AddMinutes(5));

    [Theory]
    [InlineData(null, false, ModerationOutcome.NotAllowed)]
    [InlineData("moderator", false, ModerationOutcome.Done)]
    [InlineData("owner", false, ModerationOutcome.Done)]
    [InlineData(null, true, ModerationOutcome.Done)]
    public void Kicks_bans_and_mutes_need_a_moderator_or_more(string? actorRole, bool admin, ModerationOutcome expected)
    {
        foreach (var action in new[] { ModerationAction.Kick, ModerationAction.Ban, ModerationAction.Mute })
        {
            ModerationRules.Decide(Act(action, admin), Room with { ActorRole = actorRole }).Should().Be(expected, action.ToString());
        }
    }

    [Theory]
    [InlineData("moderator", "moderator", false, ModerationOutcome.Outranked)]
    [InlineData("moderator", "owner", false, ModerationOutcome.Outranked)]
    [InlineData("owner", "moderator", false, ModerationOutcome.Done)]
    [InlineData("owner", "owner", false, ModerationOutcome.Outranked)]
    [InlineData(null, "owner", true, ModerationOutcome.Done)]
    public void A_user_acts_only_on_users_below_their_role(string? actorRole, string targetRole, bool admin, ModerationOutcome expected) =>
        ModerationRules.Decide(Act(ModerationAction.Ban, admin), Room with { ActorRole = actorRole, TargetRole = targetRole }).Should().Be(expected);

    [Fact]
    public void Invites_stop_at_the_most_a_room_may_have_open_and_never_reach_a_banned_user()
    {
        var invite = Act(ModerationAction.Invite) with { Until = null };
        var outsider = Room with { TargetIsMember = false };

        ModerationRules.Decide(invite, outsider with { Invites = ModerationRules.MaxOpenInvites - 1 }).Should().Be(ModerationOutcome.Done);
        ModerationRules.Decide(invite, outsider with { Invites = ModerationRules.MaxOpenInvites }).Should().Be(ModerationOutcome.TooManyInvites);
        ModerationRules.Decide(invite, outsider with { TargetInvited = true, Invites = ModerationRules.MaxOpenInvites }).Should().Be(ModerationOutcome.Unchanged);
        ModerationRules.Decide(invite, outsider with { TargetBan = Now.AddSeconds(1) }).Should().Be(ModerationOutcome.TargetBanned);
        ModerationRules.Decide(invite, outsider with { TargetBan = Now }).Should().Be(ModerationOutcome.Done, "a ban that ended is no ban");
    }

    [Fact]
    public void A_mute_ending_now_lifts_one_that_holds_and_changes_nothing_otherwise()
    {
        var lift = Act(ModerationAction.Mute) with { Until = Now };

        ModerationRules.Decide(lift, Room with { TargetMute = Now.AddMinutes(1) }).Should().Be(ModerationOutcome.Done);
        ModerationRules.Decide(lift, Room with { TargetMute = Now.AddMinutes(-1) }).Should().Be(ModerationOutcome.Unchanged);
        ModerationRules.Decide(lift, Room).Should().Be(ModerationOutcome.Unchanged);
        ModerationRules.Entry(lift).Until.Should().Be(Now, "a lifted mute is logged as ending when it was lifted");
        ModerationRules.Entry(Act(ModerationAction.Ban) with { Until = ModerationRules.Forever }).Until.Should().BeNull("until lifted");
    }
}
