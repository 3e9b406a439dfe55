using GridSearch.Abstractions;
using GridSearch.Grains.Coordinator;
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

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }
}
