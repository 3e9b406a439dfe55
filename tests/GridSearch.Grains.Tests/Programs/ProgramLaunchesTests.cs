using System.Text.Json;
using GridSearch.Abstractions;
using GridSearch.Trainer.Programs;

namespace GridSearch.Grains.Tests.Programs;

public sealed class ProgramLaunchesTests
{
    private static readonly ParameterSetting[] Values =
    [
        new("lr", ParameterValue.Of(0.01)), new("layers", ParameterValue.Of(2)), new("activation", ParameterValue.Of("relu")),
    ];

    private static readonly ProgramRunContext Run = new("lr0.01-layers2", 42, 5, "/state/runs/s/lr0.01-layers2");

    [Fact]
    public void Command_PlaceholdersTakeTheCellsValues_DoubledBracesAreLiteral()
    {
        var launch = ProgramLaunches.For(new ProgramSpec { Command = ["python3", "train.py", "--lr={lr}", "--layers", "{layers}", "{{not}} {activation}", "print(f'{x.y()}') ${HOME}"] },
            Values, Run, new Dictionary<string, string>());

        Assert.Equal(["python3", "train.py", "--lr=0.01", "--layers", "2", "{not} relu", "print(f'{x.y()}') ${HOME}"], launch.Command);
    }

    [Fact]
    public void Command_UnknownPlaceholder_NamesItAndTheParameters()
    {
        var error = Assert.Throws<ArgumentException>(() => ProgramLaunches.For(new ProgramSpec { Command = ["train", "{momentum}"] }, Values, Run,
            new Dictionary<string, string>()));

        Assert.Contains("{momentum}", error.Message, StringComparison.Ordinal);
        Assert.Contains("lr, layers, activation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_HasTheContractsVariables_AndNeverTheTrainersConfiguration()
    {
        var inherited = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin", ["GridSearch__Cluster__Redis"] = "redis:6379,password=secret",
            ["GridSearch__Tls__CertificatePassword"] = "secret", ["GRIDSEARCH_RUN_ID"] = "stale",
        };
        var launch = ProgramLaunches.For(new ProgramSpec { Command = ["train"], Environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" } },
            Values, Run, inherited);

        Assert.Equal("/usr/bin", launch.Environment["PATH"]);
        Assert.Equal("1", launch.Environment["OMP_NUM_THREADS"]);
        Assert.DoesNotContain(launch.Environment.Values, v => v.Contains("secret", StringComparison.Ordinal));
        Assert.Equal("lr0.01-layers2", launch.Environment["GRIDSEARCH_RUN_ID"]);
        Assert.Equal("42", launch.Environment["GRIDSEARCH_SEED"]);
        Assert.Equal("5", launch.Environment["GRIDSEARCH_EPOCHS"]);
        Assert.Equal("/state/runs/s/lr0.01-layers2", launch.Environment["GRIDSEARCH_RUN_DIR"]);
        using var values = JsonDocument.Parse(launch.Environment["GRIDSEARCH_PARAMS"]);
        Assert.Equal(0.01, values.RootElement.GetProperty("lr").GetDouble());
        Assert.Equal(2, values.RootElement.GetProperty("layers").GetInt32());
        Assert.Equal("relu", values.RootElement.GetProperty("activation").GetString());
    }

    [Fact]
    public void Environment_TheRunsDevicesWinOverTheInheritedOnes_AndNoneLeavesThemAsTheyAre()
    {
        var inherited = new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = "0,1,2,3" };
        var program = new ProgramSpec { Command = ["train"] };

        Assert.Equal("2,3", ProgramLaunches.For(program, Values, Run with { VisibleDevices = "2,3" }, inherited).Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("", ProgramLaunches.For(program, Values, Run with { VisibleDevices = "" }, inherited).Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("0,1,2,3", ProgramLaunches.For(program, Values, Run, inherited).Environment["CUDA_VISIBLE_DEVICES"]);
    }

    [Fact]
    public void Placeholders_ListsTheNamesACommandUses()
    {
        Assert.Equal(["lr", "layers"], CommandPlaceholders.Names("--lr={lr} {{x}} {layers} {p['lr']}"));
    }
}
