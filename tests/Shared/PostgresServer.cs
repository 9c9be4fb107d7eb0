using System.Diagnostics;
using Npgsql;

namespace CareLedger.Testing;

/// <summary>
/// A private PostgreSQL cluster for one test class: Debian's server binaries, <c>initdb</c> in a temp folder
/// (trust authentication, loopback only, a free port, <c>fsync=on</c>), stopped and deleted on dispose. PostgreSQL
/// refuses to run as root, so a root test run (CI) runs the server as <c>nobody</c> in a folder that user owns.
/// Each test asks for a fresh database (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asNobody = Environment.UserName == "root";
    private int _databases;

    public int Port { get; }

    private string DataDir => Path.Combine(_root, "data");

    public PostgresServer() : this(Path.GetTempPath()) { }

    private PostgresServer(string parent)
    {
        _root = Path.Combine(parent, "careledger-pg-" + Guid.NewGuid().ToString("N")[..12]);
        _bin = FindBinaries();
        Port = LoopbackPort.Free();
        Directory.CreateDirectory(_root);
        if (_asNobody) Run("/usr/bin/chown", "nobody", _root);
        Run(Path.Combine(_bin, "initdb"), "-D", DataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
        Run(Path.Combine(_bin, "pg_ctl"), "-D", DataDir, "-w", "-t", "60", "-l", Path.Combine(_root, "server.log"), "start",
            "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200");
        AppDomain.CurrentDomain.ProcessExit += StopOnExit;
    }

    /// <summary>A server whose cluster lives under <paramref name="parent"/> (e.g. a small disk that a test fills).</summary>
    public static PostgresServer Under(string parent) => new(parent);

    /// <summary>The connection string of the server's <c>postgres</c> database, as a superuser.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=30";

    /// <summary>
    /// A new, empty database; its connection string. Its default collation is ICU's en-US, as a hospital's
    /// server would have, where "apple" sorts before "Zebra": the store must not depend on the database's collation.
    /// </summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"ledger_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.utf8'", connection);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Runs one SQL statement in <paramref name="connectionString"/>'s database, outside any store.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string FindBinaries()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL's server binaries are not installed (apt-get install postgresql); .ci/run installs them");
    }

    private void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(_asNobody && !program.EndsWith("chown", StringComparison.Ordinal) ? "/usr/sbin/runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (_asNobody && !program.EndsWith("chown", StringComparison.Ordinal))
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add("nobody");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        // pg_ctl leaves the server holding the pipes it inherited: read to the end only what the command itself wrote.
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90))) throw new TimeoutException($"{program} did not finish in 90 s");
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(_root, "server.log");
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): " +
                (stderr.IsCompleted ? stderr.Result : "") + (File.Exists(log) ? File.ReadAllText(log) : ""));
        }
    }

    private void StopOnExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        if (!File.Exists(Path.Combine(DataDir, "postmaster.pid"))) return;
        try { Run(Path.Combine(_bin, "pg_ctl"), "-D", DataDir, "-w", "-m", "immediate", "stop"); }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        NpgsqlConnection.ClearAllPools();
        Stop();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
