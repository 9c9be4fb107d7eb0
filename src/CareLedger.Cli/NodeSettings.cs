using System.ComponentModel;
using CareLedger.Client.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>Options of every command that talks to a node.</summary>
public class NodeSettings : CommandSettings
{
    [CommandOption("--node <URL>")]
    [Description("The node's address. Default: $CARELEDGER_NODE, else http://127.0.0.1:5080")]
    public string? Node { get; init; }

    public Uri NodeAddress
    {
        get
        {
            var address = Node is null ? NodeClient.DefaultNode : new Uri(Node);
            return address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        }
    }

    /// <summary>The HTTP connection to the node; the caller disposes it.</summary>
    public HttpClient Connect() => new() { BaseAddress = NodeAddress, Timeout = TimeSpan.FromSeconds(60) };

    public override ValidationResult Validate() =>
        Node is null || (Uri.TryCreate(Node, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? ValidationResult.Success()
            : ValidationResult.Error($"--node must be an http(s) address such as http://127.0.0.1:5080, not '{Node}'");
}
