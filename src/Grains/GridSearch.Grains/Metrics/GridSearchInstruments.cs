namespace GridSearch.Grains.Metrics;

/// <summary>
/// The names of GridSearch's meter and instruments, in one place. Prometheus sees dots as underscores, counters
/// with <c>_total</c> and seconds with <c>_seconds</c> (for example <c>gridsearch_epoch_duration_seconds</c>).
/// </summary>
public static class GridSearchInstruments
{
    public const string MeterName = "GridSearch";
    public const string OrleansMeterName = "Microsoft.Orleans";

    public const string Trials = "gridsearch.trials";
    public const string Epochs = "gridsearch.epochs";
    public const string EpochDuration = "gridsearch.epoch.duration";
    public const string TrialValidationAccuracy = "gridsearch.trial.val_accuracy";
    public const string TrialTrainLoss = "gridsearch.trial.train_loss";
    public const string TrialEpoch = "gridsearch.trial.epoch";
    public const string TrialInfo = "gridsearch.trial.info";
    public const string SweepBestValidationAccuracy = "gridsearch.sweep.best_val_accuracy";
    public const string SweepTestAccuracy = "gridsearch.sweep.test_accuracy";
    public const string SweepWaitingForTrainers = "gridsearch.sweep.waiting_for_trainers";
    public const string SamplesTrained = "gridsearch.samples_trained";
    public const string ImagesDecoded = "gridsearch.images_decoded";
    public const string DecodeDuration = "gridsearch.decode.duration";
    public const string TrainerSlotsBusy = "gridsearch.trainer.slots.busy";
    public const string TrainerSlots = "gridsearch.trainer.slots";
    public const string TrainerRunsInFlight = "gridsearch.trainer.cells_in_flight";
    public const string DeviceMemory = "gridsearch.device.memory";
    public const string TrainerDeviceMemoryReserved = "gridsearch.trainer.device_memory.reserved";
    public const string TrainerDeviceMemoryBudget = "gridsearch.trainer.device_memory.budget";

    public const string SweepIdTag = "sweep_id";
    public const string TrialIdTag = "trial_id";
    public const string StateTag = "state";
    public const string SiloTag = "silo";
    public const string LearningRateTag = "lr";
    public const string BatchSizeTag = "batch_size";
    public const string EpochsTag = "epochs";

    /// <summary>Epoch and decode durations span milliseconds (small data, GPU) to minutes (large data, CPU).</summary>
    public static readonly double[] DurationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
}
