namespace GridSearch.Trainer.Grains;

/// <summary>
/// Makes grain calls from trainer slots. Reports must not be lost to a brief outage (the coordinator's silo
/// restarting, say), so each is retried a few times before the failure is passed on.
/// </summary>
internal static class TrainerReportsCaller
{
    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public static async Task CallAsync(Func<Task> call)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception error) when (attempt < Backoff.Length && error is TimeoutException or OrleansException)
            {
                await Task.Delay(Backoff[attempt]);
            }
        }
    }
}
