using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;

namespace GridSearch.Trainer.Grains;

/// <summary>
/// The work a trainer slot does for a fused group: every run in it is a <see cref="RunJob"/> of its own (its
/// checkpoint, replays and reports, exactly as when it trains alone), and the runner trains them together. A run that
/// fails or is stopped leaves the group alone; cancellation of the whole group, a draining silo or lost reports end
/// every run still in it, each then resuming from its own checkpoint.
/// </summary>
internal sealed class FusedJob(FusedAssignment assignment, IReadOnlyList<RunJob> runs, IRunTrainer runner)
{
    private readonly Lane[] _lanes = runs.Select((job, i) => new Lane(assignment.Lanes[i].Row, job)).ToArray();

    public int Attempt => assignment.Attempt;

    /// <summary>Runs of the group still training here (not cancelled, not finished), for the cells-in-flight gauge.</summary>
    public int RunsInFlight => _lanes.Count(l => l.Wanted && l.Job.HasWorkLeft);

    /// <summary>
    /// Whether this group still has the given attempt of a run: a run that failed says so at once, one that finished
    /// says so with its last epoch, and one that was cancelled is no longer the coordinator's concern.
    /// </summary>
    public bool Trains(string runId, int attempt) =>
        _lanes.Any(l => l.Job.Assignment.RunId == runId && l.Job.Assignment.Attempt == attempt && !l.Cancelled);

    /// <summary>Stops one run (the scheduler stopped it, say); true when no run of the group is left to train.</summary>
    public bool Cancel(string runId)
    {
        foreach (var lane in _lanes.Where(l => l.Job.Assignment.RunId == runId))
        {
            lane.Cancelled = true;
        }

        return _lanes.All(l => !l.Wanted);
    }

    /// <summary>Trains on the calling slot thread; the returned task completes when every run's reports are delivered.</summary>
    public Task Run(CancellationToken cancellation)
    {
        Exception? stopped = null;
        try
        {
            var work = new List<FusedLaneWork>();
            foreach (var lane in _lanes)
            {
                var start = lane.Job.Begin();
                if (lane.Job.HasWorkLeft)
                {
                    work.Add(new FusedLaneWork(lane.Row, lane.Job.Assignment, start, lane));
                }
            }

            if (work.Count > 0)
            {
                runner.TrainFused(assignment.Width, work, cancellation);
            }
        }
        catch (Exception error)
        {
            stopped = error;
        }

        return Task.WhenAll(_lanes.Select(lane => lane.Finish(stopped, cancellation)));
    }

    private sealed class Lane(int row, RunJob job) : IFusedLaneProgress
    {
        private string? _failure;
        private Task? _reported;

        public int Row { get; } = row;

        public RunJob Job { get; } = job;

        public bool Cancelled { get; set; }

        public bool Wanted => !Cancelled && _failure is null;

        public void Batch(int epoch, int batch, int samples) => Job.Batch(epoch, batch, samples);

        public void Epoch(EpochMetrics metrics, float[] weights, byte[]? optimizerState = null, float[]? fusedMomentum = null) =>
            Job.Epoch(metrics, weights, optimizerState, fusedMomentum);

        /// <summary>The run failed alone: the coordinator hears it now (it may retry the run once its group is done).</summary>
        public void Failed(Exception error)
        {
            var (outcome, message) = RunJob.OutcomeOf(error, CancellationToken.None);
            _failure = message ?? error.Message;
            _reported = Job.Finish(outcome, _failure);
        }

        public bool IsOwnFailure(Exception error, CancellationToken cancellation) =>
            RunJob.OutcomeOf(error, cancellation).Outcome is RunOutcome.Failed or RunOutcome.Diverged;

        /// <summary>
        /// How this run's attempt ended: its own failure (already reported) or cancellation first; then, had it
        /// trained all its epochs, completed; else as the group ended.
        /// </summary>
        public Task Finish(Exception? groupStopped, CancellationToken cancellation)
        {
            if (_reported is not null)
            {
                return _reported; // its failure, reported when it happened
            }

            var (outcome, error) = Cancelled ? (RunOutcome.Cancelled, null)
                : !Job.HasWorkLeft || groupStopped is null ? (RunOutcome.Completed, (string?)null)
                : RunJob.OutcomeOf(groupStopped, cancellation);
            return Job.Finish(outcome, error);
        }
    }
}
