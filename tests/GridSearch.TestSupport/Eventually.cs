using System.Diagnostics;

namespace GridSearch.TestSupport;

/// <summary>Waits for a condition to hold, failing with a message that says what was expected.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string expected)
    {
        var clock = Stopwatch.StartNew();
        T last = await probe();
        while (!condition(last))
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Expected {expected} within {timeout}; last value: {last}");
            }

            await Task.Delay(20);
            last = await probe();
        }

        return last;
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string expected) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, timeout, expected);
}
