// The hub contract's names (docs/hub-contract.md): the one place the page spells them. A test checks
// them against the .NET contract (Chat.Client's IChatHub and IChatClient).

/** The hub's methods (client → server). */
export const Hub = Object.freeze({
  SendMessage: "SendMessage",
  SendToRoom: "SendToRoom",
  Post: "Post",
  EditMessage: "EditMessage",
  DeleteMessage: "DeleteMessage",
  AddReaction: "AddReaction",
  RemoveReaction: "RemoveReaction",
  GetHistory: "GetHistory",
  GetRoomHistory: "GetRoomHistory",
  GetRoomHistoryBefore: "GetRoomHistoryBefore",
  GetMissedMessages: "GetMissedMessages",
  SearchMessages: "SearchMessages",
  GetRooms: "GetRooms",
  ListRooms: "ListRooms",
  GetRoomMembers: "GetRoomMembers",
  JoinRoom: "JoinRoom",
  LeaveRoom: "LeaveRoom",
  CreateRoom: "CreateRoom",
  InviteToRoom: "InviteToRoom",
  SetRoomRole: "SetRoomRole",
  SetRoomTopic: "SetRoomTopic",
  KickFromRoom: "KickFromRoom",
  BanFromRoom: "BanFromRoom",
  UnbanFromRoom: "UnbanFromRoom",
  MuteInRoom: "MuteInRoom",
  GetModerationLog: "GetModerationLog",
  MarkRead: "MarkRead",
  Typing: "Typing",
  GetOnlineUsers: "GetOnlineUsers",
  WatchUsers: "WatchUsers",
});

/** What the server calls on the page (server → client). */
export const Client = Object.freeze({
  ReceiveMessage: "ReceiveMessage",
  MessageUpdated: "MessageUpdated",
  UserJoined: "UserJoined",
  UserLeft: "UserLeft",
  HistoryCleared: "HistoryCleared",
  Notice: "Notice",
  UserJoinedRoom: "UserJoinedRoom",
  UserLeftRoom: "UserLeftRoom",
  RoomCleared: "RoomCleared",
  RoomRead: "RoomRead",
  UserTyping: "UserTyping",
  RoomChanged: "RoomChanged",
});
