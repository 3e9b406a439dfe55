using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// A running <c>gridsearch run</c> listens on loopback ports that any local user can find (<c>ss -ltn</c>). Only
/// processes that can read its state directory may reach it: another user who knows the ports and the cluster id can
/// neither submit a sweep of their own, nor cancel, read, export, delete or list the owner's, while the owner's status
/// and cancel keep working.
/// </summary>
public sealed class EmbeddedIsolationTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("isolation");

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task SubmitCancelAndReads_FromAnotherStateDirectory_AreRefused_WhileTheOwnerStillReachesTheRun()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        string ownerState = _dir.Combine("owner-state");
        var owner = new CliRun(ownerState, _dir.Combine("cache"));
        owner.Environment["GRIDSEARCH_HOLD_AT"] = "mid-epoch:2:2";
        owner.Environment["GRIDSEARCH_HOLD_FILE"] = _dir.Combine("held");
        using var victim = owner.Start("run", "--data", data, "--sweep-id", "victim", "--slots", "1", "--batch-size", "4",
            "--epochs", "3", "--lr", "0.01", "--out", _dir.Combine("out"));
        victim.BeginOutputReadLine();
        victim.BeginErrorReadLine();
        try
        {
            await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held")) || victim.HasExited, TimeSpan.FromMinutes(2), "the run to train");
            Assert.False(victim.HasExited, "the run ended early");
            owner.Environment.Clear();
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(ownerState) & (UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute));

            // What an attacker sees: the gateway port (here read off the file; ss -ltn shows it too) and the cluster id.
            int port = JsonDocument.Parse(File.ReadAllText(Path.Combine(ownerState, "gateway.json"))).RootElement.GetProperty("Port").GetInt32();
            var intruder = new CliRun(_dir.Combine("intruder-state"), _dir.Combine("intruder-cache"));
            string[] reach = ["--cluster", $"127.0.0.1:{port}", "--cluster-id", "gridsearch-embedded", "--connect-timeout", "5"];

            var cancel = await intruder.RunAsync(TimeSpan.FromMinutes(1), ["cancel", "victim", .. reach]);
            var status = await intruder.RunAsync(TimeSpan.FromMinutes(1), ["status", "victim", .. reach]);

            Assert.True(cancel.ExitCode == 1, cancel.ToString());
            Assert.Contains("Cannot reach", cancel.Stderr);
            Assert.True(status.ExitCode == 1, status.ToString());
            foreach (string[] command in new[]
            {
                new[] { "submit", "--data", data, "--sweep-id", "intruded", "--epochs", "1" },
                ["export", "victim", "--out", _dir.Combine("stolen")],
                ["delete", "victim"],
                ["list"],
            })
            {
                var refused = await intruder.RunAsync(TimeSpan.FromMinutes(1), [.. command, .. reach]);
                Assert.True(refused.ExitCode == 1, $"{command[0]}: {refused}");
                Assert.Contains("Cannot reach", refused.Stderr);
            }

            Assert.False(Directory.Exists(_dir.Combine("stolen")));
            var ownerList = await owner.RunAsync(TimeSpan.FromMinutes(1), "list", "--json");
            Assert.True(ownerList.ExitCode == 0, ownerList.ToString());
            Assert.Contains("victim", ownerList.Stdout);
            Assert.DoesNotContain("intruded", ownerList.Stdout); // nothing was submitted

            var ownerStatus = await owner.RunAsync(TimeSpan.FromMinutes(1), "status", "victim");
            Assert.True(ownerStatus.ExitCode == 0, ownerStatus.ToString());
            Assert.Contains("Running", ownerStatus.Stdout);
            var ownerCancel = await owner.RunAsync(TimeSpan.FromMinutes(1), "cancel", "victim");
            Assert.True(ownerCancel.ExitCode == 0, ownerCancel.ToString());
            Assert.Contains("Cancelled", ownerCancel.Stdout);
        }
        finally
        {
            victim.Kill(entireProcessTree: true);
        }
    }

    public void Dispose() => _dir.Dispose();
}
