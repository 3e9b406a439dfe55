using System.Security.Cryptography;
using CsCheck;
using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Grains.Storage;
using GridSearch.Trainer.Grains;
using GridSearch.TestSupport;
using GridSearch.Training.Data;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// Durable files a crash, a disk fault or a stray edit can damage: grain state and checkpoint files, and the decode
/// cache. A state file reads back as written or fails naming the file; a cache file is used as written or detected,
/// warned about and rebuilt with the same pixels. Forged files (a valid header and checksum around altered contents)
/// reach the deserializer itself.
/// </summary>
public sealed class StateFileFuzzTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("fuzz-state");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    private byte[] Payload<T>(T state)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Serializer.Serialize(state, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A state file around <paramref name="payload"/> with an intact header and checksum (FileGrainStorage's format).</summary>
    private static byte[] Framed(byte[] payload)
    {
        var header = new byte[16];
        BitConverter.TryWriteBytes(header.AsSpan(0, 4), 0x54534753);
        BitConverter.TryWriteBytes(header.AsSpan(4, 8), 1L);
        BitConverter.TryWriteBytes(header.AsSpan(12, 4), payload.Length);
        byte[] body = [.. header, .. payload];
        return [.. body, .. SHA256.HashData(body)];
    }

    private async Task ReadAsync<T>(string stateName, byte[] bytes)
    {
        // A fresh grain each time: its file is written by the storage (so it sits where the storage looks), then replaced.
        var storage = new FileGrainStorage(_dir.Combine($"state-{Environment.CurrentManagedThreadId}"), Serializer);
        var grain = GrainId.Create("fuzz", Guid.NewGuid().ToString("N"));
        var written = new Orleans.GrainState<T> { State = Activator.CreateInstance<T>() };
        await storage.WriteStateAsync(stateName, grain, written);
        string file = Directory.GetFiles(storage.Directory, $"{grain.Key}.state", SearchOption.AllDirectories).Single();
        File.WriteAllBytes(file, bytes);
        try
        {
            await storage.ReadStateAsync(stateName, grain, new Orleans.GrainState<T>());
        }
        catch (DamagedStateException error)
        {
            Fuzzing.AssertExplained(error, file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private IReadOnlyList<byte[]> Payloads() =>
    [
        Payload(new WinnerState { Weights = [1f, -2f, 3.5f], }),
        Payload(new RunCheckpointState()),
        Payload(new SweepState()),
    ];

    [Fact]
    public void Fuzz_DamagedStateFiles_ReadBackOrFailNamingTheFile()
    {
        var files = Payloads().Select(Framed).ToList();
        Fuzzing.Run("state files (damaged)", Mutations.Of(files, []), bytes => ReadAsync<WinnerState>("winner", bytes).GetAwaiter().GetResult());
    }

    [Fact]
    public void Fuzz_ForgedStateFiles_ReachTheDeserializerAndReadBackOrFailNamingTheFile()
    {
        var forged = Gen.Select(Gen.Int[0, 2], Mutations.Of(Payloads(), []), (type, payload) => (type, payload));
        Fuzzing.Run("state files (forged checksum)", forged, input =>
        {
            byte[] bytes = Framed(input.payload);
            Task read = input.type switch
            {
                0 => ReadAsync<WinnerState>("winner", bytes),
                1 => ReadAsync<RunCheckpointState>("checkpoint", bytes),
                _ => ReadAsync<SweepState>("sweep", bytes),
            };
            read.GetAwaiter().GetResult();
        }, input => $"{input.type}: {Convert.ToHexString(input.payload)}");
    }

    [Fact]
    public void Fuzz_DamagedDecodeCacheFiles_AreUsedOrRebuiltWithTheSamePixels()
    {
        string root = TestImages.WriteImageFolder(_dir.Combine("data"), 3);
        string cache = _dir.Combine("cache");
        var options = new PreprocessingOptions { ImageSize = 8, CacheDirectory = cache };
        var original = new DatasetLoader(options).Load(root);
        byte[] pixels = Pixels(original);
        byte[] cacheFile = File.ReadAllBytes(original.CachePath!);
        Fuzzing.Run("decode cache files", Mutations.Of([cacheFile], []), bytes =>
        {
            lock (cacheFile)
            {
                File.WriteAllBytes(original.CachePath!, bytes);
                var loaded = new DatasetLoader(options).Load(root);
                Assert.Equal(pixels, Pixels(loaded));
                Assert.True(loaded.FromCache || loaded.Warnings.Any(w => w.Contains("damaged", StringComparison.Ordinal)) || bytes.AsSpan().SequenceEqual(cacheFile),
                    "a rebuilt cache without a warning");
            }
        });
    }

    private static byte[] Pixels(DatasetLoadResult result)
    {
        var tensor = result.Dataset.Pixels;
        return tensor.data<byte>().ToArray();
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }
}
