using GridSearch.Client.Commands;
using GridSearch.Client.Output;
using GridSearch.Training.Data;
using GridSearch.Training.Trainer;
using Spectre.Console.Cli;

namespace GridSearch.Client;

/// <summary>The <c>gridsearch</c> command tree and the mapping from failures to exit codes.</summary>
public static class GridSearchApp
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellation)
    {
        try
        {
            // Before anything touches TorchSharp: the CPU numerics are pinned (libtorch reads them when it starts), then a
            // build with an external libtorch loads it from GRIDSEARCH_LIBTORCH.
            var numerics = Hosting.NumericsArgument.Read(args);
            Training.Runtime.CpuNumerics.Pin(numerics);
            if (numerics == Training.Runtime.NumericsMode.Portable && !Training.Runtime.CpuNumerics.CpuSupportsPortableKernels
                && args.FirstOrDefault() is "run" or "resume" or "train")
            {
                CliOutput.For(json: true).Warn("this CPU has no AVX2, so it cannot run the pinned kernels: its numbers are reproducible " +
                                               "here but differ in the last bits from those of x86-64 AVX2 machines (docs/reproducibility.md).");
            }

            Training.Runtime.ExternalLibTorch.LoadIfConfigured();
        }
        catch (Exception error) when (error is Training.Runtime.LibTorchSetupException or Training.Runtime.NumericsSettingException)
        {
            return Report(error);
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("gridsearch");
            config.UseStrictParsing();
            config.AddCommand<RunCommand>("run")
                .WithDescription("Run a grid search in this process (embedded silo, local durable state).")
                .WithExample("run")
                .WithExample("run", "--data", "./cat_dog", "--lr", "0.01,0.001", "--batch-size", "16,32", "--epochs", "5,10", "--seed", "0");
            config.AddCommand<ResumeCommand>("resume")
                .WithDescription("Continue an interrupted sweep, or run a failed or cancelled one's unfinished cells again; then finish like run.")
                .WithExample("resume", "sweep-20261127-101500-ab12");
            config.AddCommand<SubmitCommand>("submit")
                .WithDescription("Start a sweep on a cluster and print its id (same options as run, plus --cluster).")
                .WithExample("submit", "--cluster", "gridsearch-gateway:30000", "--data", "/data/cat_dog", "--lr", "0.01,0.001");
            config.AddCommand<WatchCommand>("watch")
                .WithDescription("Follow a sweep live and finish with the same summary and files as run.")
                .WithExample("watch", "sweep-20261127-101500-ab12", "--cluster", "gridsearch-gateway:30000");
            config.AddCommand<ListCommand>("list").WithDescription("List the sweeps in the state directory.");
            config.AddCommand<StatusCommand>("status").WithDescription("Show a sweep as it stands.");
            config.AddCommand<CancelCommand>("cancel").WithDescription("Cancel a sweep; running cells stop between batches.");
            config.AddCommand<DeleteCommand>("delete")
                .WithDescription("Delete a finished sweep's state everywhere (cancel a running one first); its id can then be used again.")
                .WithExample("delete", "sweep-20261127-101500-ab12");
            config.AddCommand<ExportCommand>("export").WithDescription("Write a sweep's result files (results.json, results.csv, curves.png, weights).");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train one configuration in this process (no cluster) and report every epoch.")
                .WithExample("train", "--data", "./cat_dog", "--lr", "0.001", "--batch-size", "32", "--epochs", "3", "--json");
            config.SetExceptionHandler((error, _) => Report(error));
        });

        try
        {
            return await app.RunAsync(args, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }

    private static int Report(Exception error)
    {
        var output = CliOutput.For(json: true);
        switch (error)
        {
            case CommandParseException or CommandRuntimeException:
                output.Error(error.Message + " (see 'gridsearch --help')");
                return ExitCodes.UsageError;
            case OperationCanceledException:
                output.Error("cancelled.");
                return ExitCodes.Cancelled;
            case UserInputException or DataProblemException or TrainingDivergedException or Abstractions.SiloProblemException
                or Training.Runtime.LibTorchSetupException or Training.Runtime.NumericsSettingException:
                output.Error(error.Message);
                return ExitCodes.FailedOrInvalidInput;
            default:
                output.Error($"{error.GetType().Name}: {error.Message}");
                return ExitCodes.FailedOrInvalidInput;
        }
    }
}
