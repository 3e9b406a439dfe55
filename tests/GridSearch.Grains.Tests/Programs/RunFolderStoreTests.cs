using GridSearch.Abstractions;
using GridSearch.TestSupport;
using GridSearch.Trainer.Execution;
using GridSearch.Trainer.Programs;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Tests.Programs;

/// <summary>
/// Copies of a program's run folder: in the run's checkpoint by default, on a volume the trainers share when one is
/// configured. Either way a later attempt, on any trainer, starts from the copy of the epoch its checkpoint names.
/// </summary>
public sealed class RunFolderStoreTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("run-folder-store");

    public void Dispose() => _dir.Dispose();

    private RunFolderStore Store(bool shared, long maxBytes = 1 << 20) => new(Options.Create(new TrainerSiloOptions
    {
        RunFolderStore = shared ? _dir.Combine("shared") : null,
        MaxRunFolderBytes = maxBytes,
        MaxSharedRunFolderBytes = maxBytes,
    }));

    private RunFolder Folder(string trainer, string content)
    {
        var folder = new RunFolder(_dir.Combine(trainer, "s1", "run-a"));
        folder.Restore(null);
        Directory.CreateDirectory(Path.Combine(folder.Path, "nested"));
        File.WriteAllText(Path.Combine(folder.Path, "nested", "state"), content);
        return folder;
    }

    private static RunCheckpoint Checkpoint(int epochs, byte[]? archive) =>
        new(1, [.. Enumerable.Range(1, epochs).Select(e => new EpochMetrics(e, 0.5, 0.5, 0.1, 0))], [], "i", archive);

    [Fact]
    public void Shared_CopiesGoToTheVolume_AndAnotherTrainerRestoresTheEpochItsCheckpointNames()
    {
        var store = Store(shared: true);
        Assert.Null(store.Save(Folder("trainer-1", "epoch 1"), "s1", "run-a", 1));
        Assert.Null(store.Save(Folder("trainer-1", "epoch 2"), "s1", "run-a", 2));
        Assert.True(Directory.Exists(_dir.Combine("shared", "s1", "run-a", "epoch-2")));

        var elsewhere = new RunFolder(_dir.Combine("trainer-2", "s1", "run-a"));
        store.Restore(elsewhere, "s1", "run-a", Checkpoint(1, archive: null), 1);
        Assert.Equal("epoch 1", File.ReadAllText(Path.Combine(elsewhere.Path, "nested", "state")));
        store.Restore(elsewhere, "s1", "run-a", Checkpoint(2, archive: null), 2);
        Assert.Equal("epoch 2", File.ReadAllText(Path.Combine(elsewhere.Path, "nested", "state")));
    }

    [Fact]
    public void Shared_PruneKeepsTheNamedEpochs_AndForgetRemovesTheRunAndItsEmptySweep()
    {
        var store = Store(shared: true);
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            store.Save(Folder("trainer", $"epoch {epoch}"), "s1", "run-a", epoch);
        }

        store.Prune("s1", "run-a", [1, 3, 4]);
        Assert.Equal(["epoch-1", "epoch-3", "epoch-4"],
            Directory.EnumerateDirectories(_dir.Combine("shared", "s1", "run-a")).Select(Path.GetFileName).Order());

        store.Forget("s1", "run-a");
        Assert.False(Directory.Exists(_dir.Combine("shared", "s1")));
    }

    [Fact]
    public void InCheckpoint_TheCopyIsAnArchive_RestoredWithoutAnyVolume()
    {
        var archive = Store(shared: false).Save(Folder("trainer-1", "epoch 1"), "s1", "run-a", 1);
        Assert.NotNull(archive);
        Assert.False(Directory.Exists(_dir.Combine("shared")));

        var elsewhere = new RunFolder(_dir.Combine("trainer-2", "s1", "run-a"));
        Store(shared: true).Restore(elsewhere, "s1", "run-a", Checkpoint(1, archive), 1);
        Assert.Equal("epoch 1", File.ReadAllText(Path.Combine(elsewhere.Path, "nested", "state")));
    }

    [Fact]
    public void Mistakes_SayWhatIsWrongAndWhichSettingFixesIt()
    {
        var noVolume = Assert.Throws<InvalidOperationException>(() =>
            Store(shared: false).Restore(new RunFolder(_dir.Combine("t")), "s1", "run-a", Checkpoint(2, archive: null), 2));
        Assert.Contains("GridSearch:Trainer:RunFolderStore", noVolume.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<InvalidOperationException>(() =>
            Store(shared: true).Restore(new RunFolder(_dir.Combine("t")), "s1", "run-a", Checkpoint(2, archive: null), 2));
        Assert.Contains("after epoch 2 is missing from the shared volume", missing.Message, StringComparison.Ordinal);

        var big = Folder("trainer", new string('x', 4096));
        var tooLarge = Assert.Throws<InvalidOperationException>(() => Store(shared: false, maxBytes: 1024).Save(big, "s1", "run-a", 1));
        Assert.Contains("GridSearch:Trainer:MaxRunFolderBytes", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("GridSearch:Trainer:RunFolderStore", tooLarge.Message, StringComparison.Ordinal);
        var tooLargeShared = Assert.Throws<InvalidOperationException>(() => Store(shared: true, maxBytes: 1024).Save(big, "s1", "run-a", 1));
        Assert.Contains("GridSearch:Trainer:MaxSharedRunFolderBytes", tooLargeShared.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("shared", "s1", "run-a", "epoch-1")));
    }
}
