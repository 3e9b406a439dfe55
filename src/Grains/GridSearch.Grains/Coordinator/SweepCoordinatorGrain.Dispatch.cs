using GridSearch.Abstractions;
using GridSearch.Grains.Execution;
using GridSearch.Grains.Placement;
using GridSearch.Grains.Trials;
using Orleans.Runtime.Placement;

namespace GridSearch.Grains.Coordinator;

// Handing runs to trainers with free slots, and what happens when training is done.
public sealed partial class SweepCoordinatorGrain
{
    /// <summary>Hands pending runs to trainer silos up to the cluster's free capacity, then checks for the end.</summary>
    private async Task DispatchAsync()
    {
        var book = Book;
        var slots = Slots();
        var starts = new List<(RunRecord Run, Task<TrainerLocation> Started)>();
        foreach (var run in book.ClaimRuns(slots.Free, clock.GetUtcNow()))
        {
            // A hint, honoured when the run's grain is activated: the trainer with the most free slots. The calls
            // go out together; the hint is read when each call is sent.
            if (slots.Next() is { } target)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
                slots.Took(target.ToParsableString());
            }

            starts.Add((run, grains.GetGrain<ITrialGrain>(TrialGrain.Key(SweepId, run.Id)).StartAsync(book.AssignmentFor(SweepId, run))));
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        foreach (var (run, started) in starts)
        {
            try
            {
                var location = await started;
                (run.Silo, run.SiloAddress) = (location.Name, location.Address);
            }
            catch (Exception error) when (IsNoTrainer(error))
            {
                if (sweep.State.Status == SweepStatus.Running)
                {
                    CloseActivePeriod();
                    book.Fail(clock.GetUtcNow(), NoTrainerMessage);
                }
            }
            catch (Exception error)
            {
                if (run.Status == TrialStatus.Running)
                {
                    book.DispatchFailed(run, error.Message);
                }
            }
        }

        if (sweep.State.Status == SweepStatus.Running && book.TrainingDone)
        {
            await FinishTrainingAsync(book);
        }

        if (sweep.State.Status == SweepStatus.Running)
        {
            await SaveSoonAsync();
        }
        else
        {
            await SaveAsync();
        }

        if (sweep.State.Status.IsFinal())
        {
            await FinishedAsync();
        }
    }

    private async Task FinishTrainingAsync(SweepBook book)
    {
        if (!book.AnyEpochRecorded || winner.State.Weights is null)
        {
            CloseActivePeriod();
            book.Fail(clock.GetUtcNow(), book.AllFailedMessage());
            return;
        }

        book.BeginTesting();
        try
        {
            await grains.GetGrain<IWinnerTestGrain>(SweepId).StartAsync(DataRequest.For(book.Spec), winner.State.Weights);
        }
        catch (Exception error)
        {
            CloseActivePeriod();
            book.Fail(clock.GetUtcNow(), IsNoTrainer(error) ? NoTrainerMessage : $"testing the winner failed: {error.Message}");
        }
    }

    /// <summary>
    /// This round's slot accounting: the active trainers and their slots (doubled while trials are short, so a
    /// queued run is ready when a slot frees up), the runs already out on each, and the sweep's own limit.
    /// </summary>
    private TrainerSlots Slots()
    {
        var finished = sweep.State.Runs.Where(r => r is { StartedAt: not null, FinishedAt: not null }).Take(64).ToList();
        bool shortTrials = finished.Count > 0
                           && finished.Average(r => (r.FinishedAt!.Value - r.StartedAt!.Value).TotalSeconds)
                           < options.Value.QueueTrialsShorterThan.TotalSeconds;
        return new TrainerSlots(TrainerMetadata.ActiveTrainers(membership, siloMetadata),
            sweep.State.Runs.Where(r => r.Status == TrialStatus.Running), shortTrials, sweep.State.Spec?.MaxConcurrentTrials ?? 0);
    }

    private async Task ClearCheckpointsAsync()
    {
        foreach (var run in sweep.State.Runs)
        {
            try
            {
                await grains.GetGrain<ITrialGrain>(TrialGrain.Key(SweepId, run.Id)).ClearCheckpointAsync();
            }
            catch (Exception error)
            {
                LogCancelFailed(SweepId, run.Id, error);
            }
        }
    }
}
