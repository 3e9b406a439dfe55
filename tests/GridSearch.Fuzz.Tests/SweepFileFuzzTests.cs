using System.Text;
using CsCheck;
using GridSearch.Abstractions;
using GridSearch.Client;
using GridSearch.Client.Commands;
using GridSearch.Client.Sweeps;
using GridSearch.TestSupport;

namespace GridSearch.Fuzz.Tests;

/// <summary>
/// Sweep files: every file is either a sweep that starts (its cells can be listed) or one message naming the file and
/// what to fix, never an exception type, a stack trace, a hang or unbounded memory. Inputs: the project's own sweep
/// files mutated, generated YAML and JSON documents, and the corpus of hostile files (every crash found so far).
/// </summary>
public sealed class SweepFileFuzzTests : IDisposable
{
    private static readonly string[] Tokens =
    [
        "[", "]", "{", "}", ":", ": ", ",", "- ", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "'", "\"", "\n", "\n  ", "\t", "#",
        "|", ">", "---\n", "...\n", "%YAML 1.1\n", "1e308", "-1", "0", ".nan", ".inf", "-.inf", "0x7fffffff", "~", "null", "true",
        "9223372036854775808", "1e-320", "parameters:", "lr:", "batch_size:", "epochs:", "momentum:", "optimizer:", "model:",
        "scheduler:", "search: random", "samples: 5", "min: ", "max: ", "count: ", "scale: log", "scale: linear", "group_size: auto",
        "image_size: ", "data: ", "seed: ", "\u00e9", "\ud83d\ude00", "\u0000",
    ];

    private readonly TemporaryDirectory _dir = new("fuzz-sweep-files");

    private static IReadOnlyList<byte[]> Corpus()
    {
        string root = RepositoryPaths.Root;
        var files = new[] { Path.Combine(root, "examples", "sweep.yaml") }
            .Concat(Directory.GetFiles(Path.Combine(root, "bench", "sweeps")))
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "sweep-files")));
        return [.. files.Select(File.ReadAllBytes), Encoding.UTF8.GetBytes(
            "{\"seed\": 1, \"search\": \"random\", \"samples\": 3, \"parameters\": {\"lr\": {\"min\": 0.0001, \"max\": 0.1, \"scale\": \"log\"}, \"batch_size\": [16, 32]}}")];
    }

    /// <summary>YAML documents built from the sweep file's own keys, with values of every type, nested a little.</summary>
    private static Gen<string> Documents()
    {
        var scalar = Gen.OneOf<string>(Gen.OneOf<string>("grid", "random", "halving", "asha", "median", "fifo", "sgd", "adam", "mlp", "cnn", "log",
                "linear", "auto", "true", "null", ".nan", "-.inf", "1e308", "-5", "0", "3", "0.5"),
            Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.String[0, 12].Select(s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""));
        var keys = Gen.OneOf<string>("data", "seed", "search", "samples", "scheduler", "parameters", "max_concurrent", "retries",
            "train_fraction", "validation_fraction", "shared_prefix", "image_size", "fuse", "group_size", "lr", "batch_size", "epochs",
            "momentum", "weight_decay", "optimizer", "model", "hidden", "layers", "dropout", "width", "name", "eta", "min_epochs",
            "min_samples", "min", "max", "scale", "count", "unknown");
        var flowList = scalar.Array[0, 6].Select(items => "[" + string.Join(", ", items) + "]");
        var flowMap = Gen.Select(keys, Gen.OneOf<string>(scalar, flowList), (k, v) => $"{k}: {v}").Array[0, 5].Select(e => "{" + string.Join(", ", e) + "}");
        var value = Gen.OneOf<string>(scalar, flowList, flowMap);
        var nested = Gen.Select(keys, value, (k, v) => $"  {k}: {v}").Array[1, 6].Select(lines => "\n" + string.Join("\n", lines));
        return Gen.Select(keys, Gen.OneOf<string>(value, nested), (k, v) => $"{k}: {v}").Array[0, 10].Select(lines => string.Join("\n", lines) + "\n");
    }

    /// <summary>The property: the file starts a sweep whose cells can be listed, or is refused with a message naming it.</summary>
    private void Check(byte[] bytes)
    {
        string path = Path.Combine(_dir.Path, $"sweep-{Environment.CurrentManagedThreadId}.yaml");
        File.WriteAllBytes(path, bytes);
        var settings = new SweepSettings { Config = path };
        try
        {
            var spec = SweepSubmission.Prepare(settings, "fuzz", settings.DataRoot ?? "/data");
            long count = SweepCells.Count(spec);
            int listed = SweepCells.Of(spec).Take(2_000).Count();
            Assert.True(listed == Math.Min(count, 2_000), $"{count} cells counted, {listed} listed");
        }
        catch (UserInputException error)
        {
            Fuzzing.AssertExplained(error, path, "Invalid sweep");
        }
    }

    [Fact]
    public void Fuzz_MutatedSweepFiles_StartOrAreRefusedNamingTheFile() =>
        Fuzzing.Run("sweep-files (mutated)", Mutations.Of(Corpus(), Tokens), Check, bytes => Encoding.UTF8.GetString(bytes));

    [Fact]
    public void Fuzz_GeneratedSweepDocuments_StartOrAreRefusedNamingTheFile() =>
        Fuzzing.Run("sweep-files (generated)", Documents(), text => Check(Encoding.UTF8.GetBytes(text)));

    public static TheoryData<string> HostileFiles => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "sweep-files"))
        .Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileFile_IsRefusedNamingTheFileAndWhere(string name)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "sweep-files", name));
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<UserInputException>(() => SweepSubmission.Prepare(new SweepSettings { Config = path }, "fuzz", "/data"));

        Fuzzing.AssertExplained(error, path, "Invalid sweep");
    }

    [Fact]
    public void OversizedFile_IsRefusedBeforeItIsParsed()
    {
        string path = _dir.Combine("huge.yaml");
        File.WriteAllText(path, "seed: 0\n" + new string('#', 2 << 20));

        var error = Assert.Throws<UserInputException>(() => new SweepSettings { Config = path }.File);

        Assert.Contains("at most 1,048,576", error.Message);
    }

    public void Dispose() => _dir.Dispose();
}
