using CareLedger.Cli;

return await CliApp.RunAsync(args);
