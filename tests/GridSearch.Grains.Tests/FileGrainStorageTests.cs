using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Grains.Storage;
using GridSearch.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace GridSearch.Grains.Tests;

public sealed class FileGrainStorageTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("storage");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly GrainId _grain = GrainId.Create("sweepcoordinator", "sweep/with-slash");

    private FileGrainStorage Storage() => new(_dir.Path, _services.GetRequiredService<Serializer>());

    [Fact]
    public async Task Write_ThenReadInANewInstance_RoundTripsTheState()
    {
        var written = new GrainState<WinnerState> { State = new WinnerState { Weights = [1.5f, -2f, 3.25f] } };
        await Storage().WriteStateAsync("winner", _grain, written);

        var read = new GrainState<WinnerState>();
        await Storage().ReadStateAsync("winner", _grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal([1.5f, -2f, 3.25f], read.State!.Weights!);
        Assert.Single(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories)); // no temporary files left
    }

    [Fact]
    public async Task Read_Missing_GivesAFreshStateWithoutRecord()
    {
        var read = new GrainState<SweepState>();
        await Storage().ReadStateAsync("sweep", _grain, read);

        Assert.False(read.RecordExists);
        Assert.NotNull(read.State);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Write_WithStaleETag_IsRejected()
    {
        var first = new GrainState<WinnerState> { State = new WinnerState() };
        await Storage().WriteStateAsync("winner", _grain, first);
        var stale = new GrainState<WinnerState> { State = new WinnerState(), ETag = null };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync("winner", _grain, stale));
    }

    [Fact]
    public async Task Read_DamagedFile_FailsNamingTheFileAndLeavesItAlone()
    {
        var state = new GrainState<WinnerState> { State = new WinnerState { Weights = new float[1000] } };
        await Storage().WriteStateAsync("winner", _grain, state);
        string file = Directory.GetFiles(_dir.Path, "*.state", SearchOption.AllDirectories).Single();
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^40] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        var error = await Assert.ThrowsAsync<DamagedStateException>(() => Storage().ReadStateAsync("winner", _grain, new GrainState<WinnerState>()));

        Assert.Contains(file, error.Message);
        Assert.Contains("checksum", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public async Task Read_TruncatedFile_FailsNamingTheFile()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState { Weights = [1f] } });
        string file = Directory.GetFiles(_dir.Path, "*.state", SearchOption.AllDirectories).Single();
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..20]);

        var error = await Assert.ThrowsAsync<DamagedStateException>(() => Storage().ReadStateAsync("winner", _grain, new GrainState<WinnerState>()));

        Assert.Contains(file, error.Message);
    }

    /// <summary>A winner state file with one byte flipped, and the failed read of it (which names its bytes in the ETag).</summary>
    private async Task<(string File, byte[] Bytes, GrainState<WinnerState> Read)> DamagedWinnerAsync()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState { Weights = [1f, 2f] } });
        string file = Directory.GetFiles(_dir.Path, "*.state", SearchOption.AllDirectories).Single();
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        var read = new GrainState<WinnerState>();
        await Assert.ThrowsAsync<DamagedStateException>(() => Storage().ReadStateAsync("winner", _grain, read));
        return (file, bytes, read);
    }

    [Fact]
    public async Task Clear_DamagedFileWithTheETagOfTheFailedRead_RemovesIt()
    {
        var (file, _, read) = await DamagedWinnerAsync();

        await Storage().ClearStateAsync("winner", _grain, read);

        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Clear_DamagedFileChangedSinceTheRead_IsRefused()
    {
        var (file, bytes, read) = await DamagedWinnerAsync();
        bytes[^6] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().ClearStateAsync("winner", _grain, read));
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task Start_TemporaryFileOfAKilledWriter_IsRemoved()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState() });
        string file = Directory.GetFiles(_dir.Path, "*.state", SearchOption.AllDirectories).Single();
        // The name a write gives its temporary file, from a process id that no longer runs.
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        string leftover = $"{file}.{gone.Id}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(leftover, [1, 2, 3]);

        _ = Storage();

        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task Clear_RemovesTheFile()
    {
        var state = new GrainState<WinnerState> { State = new WinnerState() };
        await Storage().WriteStateAsync("winner", _grain, state);

        await Storage().ClearStateAsync("winner", _grain, state);

        Assert.Empty(Directory.GetFiles(_dir.Path, "*.state", SearchOption.AllDirectories));
        Assert.False(state.RecordExists);
    }

    private string StateFile => Directory.GetFiles(_dir.Path, "*.state", SearchOption.AllDirectories).Single();

    [Fact]
    public async Task Write_Repeatedly_CountsVersionsFromOne_AndANewInstanceReadsTheLatest()
    {
        var state = new GrainState<WinnerState> { State = new WinnerState { Weights = [1f] } };
        Assert.False(state.RecordExists);
        var versions = new List<string?>();
        for (int i = 0; i < 3; i++)
        {
            await Storage().WriteStateAsync("winner", _grain, state);
            versions.Add(state.ETag);
        }

        var read = new GrainState<WinnerState>();
        await Storage().ReadStateAsync("winner", _grain, read);

        Assert.Equal(["1", "2", "3"], versions);
        Assert.True(state.RecordExists);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Write_WithStaleETag_SaysWhichFileAndBothVersions()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState() });

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState(), ETag = "7" }));

        Assert.Equal($"GridSearch state file '{StateFile}' changed underneath this activation (version 1, expected 7); " +
                     "is another gridsearch process using the same state directory?", error.Message);
        Assert.Equal("1", error.StoredEtag);
        Assert.Equal("7", error.CurrentEtag);
        var missing = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage().WriteStateAsync("other", _grain, new GrainState<WinnerState> { State = new WinnerState(), ETag = "2" }));
        Assert.Contains("(version none, expected 2)", missing.Message);
        Assert.Equal("", missing.StoredEtag);
    }

    [Fact]
    public async Task Read_DamagedFile_NamesItsExactBytesInTheETag_AndAWriteOverItStartsAgainAtVersionOne()
    {
        var (file, bytes, read) = await DamagedWinnerAsync(); // version 1 in its (intact) header



        Assert.Equal("damaged-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), read.ETag);
        read.State = new WinnerState { Weights = [4f] };
        await Storage().WriteStateAsync("winner", _grain, read);

        Assert.Equal("1", read.ETag); // not 2: numbering does not trust a damaged file's header
        var again = new GrainState<WinnerState>();
        await Storage().ReadStateAsync("winner", _grain, again);
        Assert.Equal([4f], again.State!.Weights!);
        Assert.True(File.Exists(file));
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "header", "its header is not a GridSearch state header" },
        { "short", "its header is not a GridSearch state header" },
        { "longer", "bytes long, expected" },
        { "negative", "bytes long, expected" },
        { "payload", "its checksum does not match its contents" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task Read_DamagedEnvelope_SaysWhatIsWrong_AndTheFileStaysAsItWas(string damage, string why)
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState { Weights = [1f, 2f] } });
        byte[] bytes = File.ReadAllBytes(StateFile);
        bytes = damage switch
        {
            "header" => [(byte)(bytes[0] ^ 1), .. bytes[1..]],
            "short" => bytes[..(16 + 31)], // less than a header and a hash: nothing to check
            "longer" => [.. bytes, 0],
            "negative" => [.. bytes[..12], 0xFF, 0xFF, 0xFF, 0xFF, .. bytes[16..]],
            _ => [.. bytes[..20], (byte)(bytes[20] ^ 1), .. bytes[21..]],
        };
        File.WriteAllBytes(StateFile, bytes);
        var read = new GrainState<WinnerState>();

        var error = await Assert.ThrowsAsync<DamagedStateException>(() => Storage().ReadStateAsync("winner", _grain, read));

        Assert.StartsWith($"GridSearch state file '{StateFile}' is damaged: ", error.Message);
        Assert.Contains(why, error.Message);
        Assert.EndsWith("It was left as it is; restore it from a backup, or remove the sweep with 'gridsearch delete SWEEP' to start over.", error.Message);
        Assert.StartsWith("damaged-", read.ETag);
        Assert.Equal(bytes, File.ReadAllBytes(StateFile));
    }

    [Fact]
    public async Task Read_IntactFileWhosePayloadIsNotTheStatesType_FailsNamingTheFile()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState { Weights = [1f] } });
        string file = StateFile;
        byte[] bytes = File.ReadAllBytes(file);

        var error = await Assert.ThrowsAsync<DamagedStateException>(() => Storage().ReadStateAsync("winner", _grain, new GrainState<SweepState>()));

        Assert.StartsWith($"GridSearch state file '{file}' cannot be read (", error.Message);
        Assert.EndsWith("It was left as it is; restore it from a backup, or remove the sweep with 'gridsearch delete SWEEP' to start over.", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public async Task Write_ThatCannotReplaceTheFile_LeavesNoTemporaryFileBehind()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState() });
        string file = StateFile;
        File.Delete(file);
        Directory.CreateDirectory(file); // the rename onto it fails

        await Assert.ThrowsAnyAsync<IOException>(() => Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState() }));

        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Start_TemporaryFilesOfALiveWriterStay_AndThoseOfThisProcessOrWithoutAWriterGo()
    {
        await Storage().WriteStateAsync("winner", _grain, new GrainState<WinnerState> { State = new WinnerState() });
        string file = StateFile;
        using var live = System.Diagnostics.Process.Start("sleep", "60")!;
        try
        {
            string alive = $"{file}.{live.Id}.{Guid.NewGuid():N}.tmp";
            string mine = $"{file}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"; // an earlier storage of this process
            string nameless = Path.Combine(Path.GetDirectoryName(file)!, "x.tmp");
            foreach (string leftover in new[] { alive, mine, nameless })
            {
                File.WriteAllBytes(leftover, [1]);
            }

            _ = Storage();

            Assert.True(File.Exists(alive));
            Assert.False(File.Exists(mine));
            Assert.False(File.Exists(nameless));
        }
        finally
        {
            live.Kill();
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }
}
