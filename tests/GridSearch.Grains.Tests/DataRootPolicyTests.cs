using GridSearch.Trainer.Execution;
using GridSearch.TestSupport;
using GridSearch.Training.Data;

namespace GridSearch.Grains.Tests;

public sealed class DataRootPolicyTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("roots");

    [Fact]
    public void Check_SlashAsRoot_AllowsAnyPath()
    {
        string data = Directory.CreateDirectory(_dir.Combine("data")).FullName;

        DataRootPolicy.Check(data, ["/"]);
    }

    [Fact]
    public void Check_LinkInsideRootLeadingOut_IsRefused()
    {
        string root = Directory.CreateDirectory(_dir.Combine("allowed")).FullName;
        string outside = Directory.CreateDirectory(_dir.Combine("secret")).FullName;
        Directory.CreateDirectory(Path.Combine(outside, "payroll"));
        Directory.CreateDirectory(Path.Combine(outside, "passwords"));
        string link = Path.Combine(root, "way-out");
        Directory.CreateSymbolicLink(link, outside);

        var error = Assert.Throws<DataProblemException>(() => DataRootPolicy.Check(link, [root]));

        Assert.Contains("outside this silo's data roots", error.Message);
        Assert.DoesNotContain("payroll", error.Message); // a refused path's contents are never listed
        Assert.DoesNotContain("passwords", error.Message);
    }

    [Fact]
    public void Check_RootGivenThroughALink_AllowsItsRealFolder()
    {
        string real = Directory.CreateDirectory(_dir.Combine("volume", "data")).FullName;
        string linkedRoot = _dir.Combine("data-link");
        Directory.CreateSymbolicLink(linkedRoot, real);

        DataRootPolicy.Check(Path.Combine(real, ".", "cat", ".."), [linkedRoot]);
    }

    [Fact]
    public void Check_SiblingWithCommonPrefix_IsRefused()
    {
        string root = Directory.CreateDirectory(_dir.Combine("data")).FullName;
        string sibling = Directory.CreateDirectory(_dir.Combine("data-other")).FullName;

        Assert.Throws<DataProblemException>(() => DataRootPolicy.Check(sibling, [root]));
    }

    public void Dispose() => _dir.Dispose();
}
