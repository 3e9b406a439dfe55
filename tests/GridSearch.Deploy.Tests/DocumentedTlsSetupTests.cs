using System.Diagnostics;
using GridSearch.TestSupport;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// docs/running-without-kubernetes.md's certificate commands, run exactly as written, give a CA, silo and client
/// certificates that form a strict TLS cluster; a silo certificate made with server authentication only (what the
/// README once advised) is refused by the silo at start, saying what it lacks.
/// </summary>
public sealed class DocumentedTlsSetupTests() : ProcessTest("documented-tls")
{
    private static string DocumentedCommands()
    {
        string page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "running-without-kubernetes.md"));
        int begin = page.IndexOf("<!-- tls-commands:begin -->", StringComparison.Ordinal);
        int end = page.IndexOf("<!-- tls-commands:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "the page marks its certificate commands");
        string block = page[begin..end];
        block = block[(block.IndexOf("```bash\n", StringComparison.Ordinal) + "```bash\n".Length)..];
        return block[..block.LastIndexOf("```", StringComparison.Ordinal)];
    }

    private static async Task<string> RunCommandsAsync(string commands, string folder)
    {
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", commands])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"the documented commands failed:\n{output}");
        return folder;
    }

    private async Task<Dictionary<string, string>> SiloEnvironmentAsync(string certificates, string clusterId)
    {
        var env = ClusterEnvironment(await RedisAsync($"redis-{clusterId}"), clusterId);
        env["GridSearch__Tls__CertificatePath"] = Path.Combine(certificates, "silo.pfx");
        env["GridSearch__Tls__CertificatePassword"] = "change-me";
        env["GridSearch__Tls__TrustedCertificatePath"] = Path.Combine(certificates, "ca.crt");
        return env;
    }

    [Fact]
    public async Task DocumentedCertificates_FormATlsCluster_ThatRunsASweepForAClient()
    {
        string certificates = await RunCommandsAsync(DocumentedCommands(), Dir.Combine("certificates"));
        var env = await SiloEnvironmentAsync(certificates, "documented");
        var gateway = Own(SiloProcess.Start("documented-gateway", new Dictionary<string, string>(env) { ["GridSearch__Trainer__Enabled"] = "false" }));
        var trainer = Own(SiloProcess.Start("documented-trainer", env));
        await gateway.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        await trainer.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        var cli = new CliRun(Dir.Combine("state"), Dir.Combine("cli-cache"));
        string[] reach = ["--cluster", gateway.Gateway, "--cluster-id", "documented", "--tls-certificate", Path.Combine(certificates, "client.pfx"),
            "--tls-password", "change-me", "--tls-trusted", Path.Combine(certificates, "ca.crt")];
        string data = TestImages.WriteImageFolder(Dir.Combine("data"), perClass: 20);

        var submitted = await cli.RunAsync(["submit", "--data", data, "--lr", "0.05", "--batch-size", "8", "--epochs", "2", "--sweep-id", "tls", .. reach]);
        var watched = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "tls", "--json", "--out", Dir.Combine("out"), .. reach]);

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        // The hint to follow the sweep carries the TLS options, so it works when copied.
        Assert.Contains($"gridsearch watch tls --cluster {gateway.Gateway} --cluster-id documented --tls-certificate {Path.Combine(certificates, "client.pfx")}",
            submitted.Stderr);
        Assert.True(watched.ExitCode == 0, watched.ToString());
        Assert.Contains("\"status\": \"Completed\"", watched.Stdout);
    }

    [Fact]
    public async Task SiloCertificateWithServerAuthenticationOnly_IsRefusedAtStart_NamingClientAuthentication()
    {
        string serverOnly = DocumentedCommands().Replace("echo \"serverAuth,clientAuth\"", "echo \"serverAuth\"", StringComparison.Ordinal);
        string certificates = await RunCommandsAsync(serverOnly, Dir.Combine("server-only"));
        var silo = Own(SiloProcess.Start("server-only", await SiloEnvironmentAsync(certificates, "server-only")));

        int code = await silo.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 1, $"exit {code}\n{silo.Output}");
        Assert.Contains("does not allow client authentication", silo.Output);
        Assert.Contains("serverAuth, clientAuth", silo.Output);
    }
}
