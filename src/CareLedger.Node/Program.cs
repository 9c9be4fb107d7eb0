using CareLedger.Node.Hosting;

var app = NodeHost.Build(args);
app.Run();
