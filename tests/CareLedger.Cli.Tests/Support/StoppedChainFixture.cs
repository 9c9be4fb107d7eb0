using CareLedger.Testing;
using Microsoft.Data.Sqlite;

namespace CareLedger.Cli.Tests.Support;

/// <summary>
/// The data folder of a real node process that ran, committed a few transactions and was stopped.
/// Each test tampers with its own copy.
/// </summary>
public sealed class StoppedChainFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    public string DataDir => _data.Path;

    public async Task InitializeAsync()
    {
        using var node = new NodeProcess(_data.Path);
        await node.StartAsync();
        var keystore = Path.Combine(_data.Path, "demo-keys");
        for (var i = 1; i <= 2; i++)
        {
            var sent = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, "tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", $"{i}",
                "--key", "patient-jones", "--keystore", keystore, "--node", node.BaseAddress.ToString());
            Assert.True(sent.ExitCode == 0, sent.ToString());
        }
        node.Stop();
    }

    public Task DisposeAsync()
    {
        _data.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A copy of the stopped node's ledger and genesis in a fresh folder.</summary>
    public TempFolder Copy()
    {
        var copy = new TempFolder();
        foreach (var file in Directory.GetFiles(_data.Path)) File.Copy(file, copy.File(Path.GetFileName(file)));
        return copy;
    }

    public static void Execute(string dataDir, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "ledger.db"), Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        cmd.ExecuteNonQuery();
    }

    public static T Query<T>(string dataDir, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, "ledger.db"), Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return (T)cmd.ExecuteScalar()!;
    }
}
