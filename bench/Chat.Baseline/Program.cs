using Chat.Baseline;

var builder = WebApplication.CreateBuilder(args);

// SignalR with the framework's defaults: no filters, no store, no limits beyond the built-in ones
builder.Services.AddSignalR();

var app = builder.Build();

// The same path as Chat's hub, so one load generator drives both
app.MapHub<BaselineHub>("/hubs/chat");

await app.RunAsync();
