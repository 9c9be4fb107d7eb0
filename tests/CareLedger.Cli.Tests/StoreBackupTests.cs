using System.Text.Json.Nodes;
using CareLedger.Cli.Store;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// <c>careledger store backup</c> / <c>restore</c> against a real node process that keeps committing while it is backed
/// up: the restored folder starts a node at the backup's head and state root, and its records still decrypt.
/// </summary>
public sealed class StoreBackupTests : IClassFixture<StoreBackupTests.RunningNode>, IClassFixture<PostgresServer>, IDisposable
{
    private readonly RunningNode _node;
    private readonly PostgresServer _postgres;
    private readonly TempFolder _work = new();

    public StoreBackupTests(RunningNode node, PostgresServer postgres) => (_node, _postgres) = (node, postgres);

    /// <summary>A demo node process with one Observation record, shared by the tests.</summary>
    public sealed class RunningNode : IAsyncLifetime
    {
        private readonly TempFolder _data = new();
        private readonly TempFolder _files = new();
        public NodeProcess Process { get; private set; } = null!;
        public string Keystore => Path.Combine(_data.Path, "demo-keys");
        public string ObservationFile => _files.File("observation.json");
        public string Record { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Process = new NodeProcess(_data.Path);
            await Process.StartAsync();
            await File.WriteAllTextAsync(ObservationFile, RecordSteps.Observation(71));
            var added = await RunAsync(Process, Keystore, "record", "add", "--patient", RecordSteps.Patient, "--file", ObservationFile, "--key", RecordSteps.Patient);
            Assert.True(added.ExitCode == 0, added.ToString());
            Record = added.Id("Record");
        }

        public Task DisposeAsync()
        {
            Process.Dispose();
            _data.Dispose();
            _files.Dispose();
            return Task.CompletedTask;
        }
    }

    private static Task<CliResult> RunAsync(NodeProcess node, string keystore, params string[] args) =>
        CliRunner.RunAsync(DemoNodeFixture.Passphrase, [.. args, "--node", node.BaseAddress.ToString(), "--keystore", keystore]);

    private static Task<CliResult> BackupAsync(string data, string to) => CliRunner.RunAsync(null, "store", "backup", "--data", data, "--to", to);
    private static Task<CliResult> RestoreAsync(string from, string data) => CliRunner.RunAsync(null, "store", "restore", "--from", from, "--data", data);

    [Fact]
    public async Task StoreBackup_RunningNodeCommitting_RestoredNodeStartsAtTheBackupsHeadAndTheRecordDecrypts()
    {
        using var stop = new CancellationTokenSource();
        var transfers = Task.Run(async () =>
        {
            var sent = 0;
            while (!stop.IsCancellationRequested)
            {
                var r = await RunAsync(_node.Process, _node.Keystore, "tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "1", "--key", RecordSteps.Patient);
                Assert.True(r.ExitCode == 0, r.ToString());
                sent++;
            }
            return sent;
        });
        await Task.Delay(300);
        var archive = Path.Combine(_work.Path, "node.tar");

        var backup = await BackupAsync(_node.Process.DataDir, archive);
        await stop.CancelAsync();
        Assert.True(await transfers > 0);
        var restored = Path.Combine(_work.Path, "restored");
        var restore = await RestoreAsync(archive, restored);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var unpacked = Directory.CreateDirectory(Path.Combine(_work.Path, "unpacked")).FullName;
        await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(archive, unpacked, overwriteFiles: false);
        var manifest = BackupManifest.Read(unpacked);
        var ledger = manifest.Ledger!;
        Assert.Equal(ledger.Head, (await _node.Process.Client.GetBlockAsync(ledger.Height.ToString())).Hash);
        // The keystores are copied as they were on disk: encrypted, never opened.
        foreach (var key in new[] { "node/validator.key.json", "custodial/dr-rivera.key.json", "demo-keys/patient-jones.key.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_node.Process.DataDir, key)), File.ReadAllBytes(Path.Combine(restored, key)));
        Assert.Equal(manifest.Files.Select(f => f.Path).Order(), Directory.GetFiles(restored, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(restored, f)).Order());

        using var node = new NodeProcess(restored);
        await node.StartAsync();
        var info = await node.Client.GetChainAsync();
        Assert.Equal(ledger.Height, info.Height);
        Assert.Equal(ledger.Head, info.HeadHash);
        Assert.Equal(ledger.StateRoot, info.StateRoot);
        var read = await RunAsync(node, Path.Combine(restored, "demo-keys"), "record", "get", _node.Record, "--key", RecordSteps.Patient);
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(_node.ObservationFile)), JsonNode.Parse(read.Output)), read.Output);
        var verified = await CliRunner.RunAsync(null, "chain", "verify", "--data", restored);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("verified from its genesis", verified.Output);
    }

    [Fact]
    public async Task StoreRestore_OneVaultFileOfTheBackupChanged_IsOneLineAndRestoresNothing()
    {
        var backupDir = Path.Combine(_work.Path, "backup");
        Assert.Equal(0, (await BackupAsync(_node.Process.DataDir, backupDir)).ExitCode);
        var blob = Directory.GetFiles(Path.Combine(backupDir, "vault", "blobs"), "*", SearchOption.AllDirectories).First();
        var bytes = File.ReadAllBytes(blob);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(blob, bytes);
        var restored = Path.Combine(_work.Path, "restored");

        var result = await RestoreAsync(backupDir, restored);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("✗ the backup is damaged: vault/blobs/", line);
        Assert.EndsWith("does not match its hash in the manifest; nothing was restored", line);
        Assert.False(Directory.Exists(restored));
        Assert.Equal([Path.Combine(_work.Path, "backup")], Directory.GetFileSystemEntries(_work.Path));
    }

    [Fact]
    public async Task StoreRestore_TarArchiveCutShort_IsOneLineAndRestoresNothing()
    {
        var archive = Path.Combine(_work.Path, "node.tar");
        Assert.Equal(0, (await BackupAsync(_node.Process.DataDir, archive)).ExitCode);
        using (var file = File.OpenWrite(archive)) file.SetLength(file.Length / 2);
        var restored = Path.Combine(_work.Path, "restored");

        var result = await RestoreAsync(archive, restored);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("✗ the backup is damaged: ", Assert.Single(result.ErrorLines));
        Assert.False(Directory.Exists(restored));
    }

    [Fact]
    public async Task StoreRestore_IntoAFolderThatHoldsData_IsRefusedAndLeavesItAsItWas()
    {
        var backupDir = Path.Combine(_work.Path, "backup");
        Assert.Equal(0, (await BackupAsync(_node.Process.DataDir, backupDir)).ExitCode);
        var occupied = Path.Combine(_work.Path, "occupied");
        Directory.CreateDirectory(occupied);
        File.WriteAllText(Path.Combine(occupied, "ledger.db"), "someone's data");

        var result = await RestoreAsync(backupDir, occupied);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not empty; restore into a new folder", Assert.Single(result.ErrorLines));
        Assert.Equal("someone's data", File.ReadAllText(Path.Combine(occupied, "ledger.db")));
        Assert.Single(Directory.GetFileSystemEntries(occupied));
    }

    [Fact]
    public async Task StoreBackup_TargetAlreadyExists_IsRefusedAndWritesNothing()
    {
        var existing = Path.Combine(_work.Path, "node.tar");
        File.WriteAllText(existing, "an older backup");

        var result = await BackupAsync(_node.Process.DataDir, existing);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already exists; back up into a new file or an empty folder", Assert.Single(result.ErrorLines));
        Assert.Equal("an older backup", File.ReadAllText(existing));
        Assert.Single(Directory.GetFileSystemEntries(_work.Path));
    }

    /// <summary>With the ledger in PostgreSQL the backup holds the rest of the data folder (vault, keys) and says so.</summary>
    [Fact]
    public async Task StoreBackup_NodeOnPostgres_BacksUpVaultAndKeysAndANodeOnTheRestoredFolderReadsTheRecord()
    {
        var database = await _postgres.CreateDatabaseAsync();
        var data = Path.Combine(_work.Path, "data");
        string record;
        using (var node = new NodeProcess(data) { Environment = { ["CareLedger__Store"] = database } })
        {
            await node.StartAsync();
            await File.WriteAllTextAsync(Path.Combine(_work.Path, "observation.json"), RecordSteps.Observation(58));
            var added = await RunAsync(node, Path.Combine(data, "demo-keys"), "record", "add", "--patient", RecordSteps.Patient,
                "--file", Path.Combine(_work.Path, "observation.json"), "--key", RecordSteps.Patient);
            Assert.True(added.ExitCode == 0, added.ToString());
            record = added.Id("Record");

            var backup = await BackupAsync(data, Path.Combine(_work.Path, "backup"));

            Assert.True(backup.ExitCode == 0, backup.ToString());
            Assert.Contains("not in this folder (PostgreSQL)", backup.Output);
        }
        Assert.Null(BackupManifest.Read(Path.Combine(_work.Path, "backup")).Ledger);
        var restoredData = Path.Combine(_work.Path, "restored");
        var restored = await RestoreAsync(Path.Combine(_work.Path, "backup"), restoredData);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.False(File.Exists(Path.Combine(restoredData, "ledger.db")));

        using var again = new NodeProcess(restoredData) { Environment = { ["CareLedger__Store"] = database } };
        await again.StartAsync();
        var read = await RunAsync(again, Path.Combine(restoredData, "demo-keys"), "record", "get", record, "--key", RecordSteps.Patient);

        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal(58, JsonNode.Parse(read.Output)!["valueQuantity"]!["value"]!.GetValue<int>());
    }

    public void Dispose() => _work.Dispose();
}
