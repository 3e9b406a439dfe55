using Polly;
using Polly.Retry;

namespace GridSearch.Trainer.Grains;

/// <summary>
/// Makes grain calls from trainer slots. Reports must not be lost to a brief outage (the coordinator's silo
/// restarting, say), so each is retried a few times, over about nine seconds, before the failure is passed on.
/// </summary>
internal static class TrainerReportsCaller
{
    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    private static readonly ResiliencePipeline Retries = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TimeoutException>().Handle<OrleansException>(),
            MaxRetryAttempts = Backoff.Length,
            DelayGenerator = retry => ValueTask.FromResult<TimeSpan?>(Backoff[retry.AttemptNumber]),
        })
        .Build();

    public static async Task CallAsync(Func<Task> call) => await Retries.ExecuteAsync(async _ => await call());
}
