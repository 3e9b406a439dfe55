using GridSearch.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// Drains the trainer slots when the silo stops, while grain calls still work (the Active stage stops first), so
/// running runs checkpoint their current epoch and report back before the silo leaves the cluster.
/// </summary>
internal sealed class TrainerDrain(RunExecutor executor, IOptions<TrainerSiloOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(TrainerDrain), ServiceLifecycleStage.Active,
        _ => Task.CompletedTask, cancellation => executor.DrainAsync(options.Value.DrainTimeout, cancellation));
}
