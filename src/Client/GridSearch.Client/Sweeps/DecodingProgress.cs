using GridSearch.Abstractions;
using GridSearch.Client.Output;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// While a new sweep waits for a trainer to decode its data set (seconds to minutes for a large set), asks the
/// coordinator how far decoding is and shows it: a status line redrawn in place on a terminal, otherwise a line each
/// time another tenth of the images is done.
/// </summary>
public static class DecodingProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    public static async Task<T> ShowWhileAsync<T>(ISweepCoordinatorGrain coordinator, Task<T> work, CliOutput output)
    {
        if (output.Live)
        {
            await output.Human.Status().StartAsync("Loading the data set on a trainer...", async status =>
            {
                await PollAsync(coordinator, work, message => status.Status(Markup.Escape(message)));
            });
        }
        else
        {
            int tenthsShown = 0;
            await PollAsync(coordinator, work, message => { }, progress =>
            {
                int tenths = progress.Total == 0 ? 10 : (int)(10L * progress.Decoded / progress.Total);
                if (tenths > tenthsShown)
                {
                    tenthsShown = tenths;
                    output.Human.WriteLine(char.ToUpperInvariant(progress.ToString()[0]) + progress.ToString()[1..]);
                }
            });
        }

        return await work;
    }

    private static async Task PollAsync<T>(ISweepCoordinatorGrain coordinator, Task<T> work, Action<string> show,
        Action<DecodeProgress>? decoded = null)
    {
        while (await Task.WhenAny(work, Task.Delay(Interval)) != work)
        {
            try
            {
                if (await coordinator.GetSnapshotAsync() is { Status: SweepStatus.Pending, Message: { } message } pending)
                {
                    show(message);
                    if (pending.Decoding is { } progress)
                    {
                        decoded?.Invoke(progress);
                    }
                }
            }
            catch (Exception)
            {
                // Progress is a nicety: the start itself reports what went wrong.
            }
        }
    }
}
