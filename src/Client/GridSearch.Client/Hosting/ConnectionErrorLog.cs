using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GridSearch.Client.Hosting;

/// <summary>
/// Keeps the Orleans client's recent connection warnings and errors (with their exceptions' messages), whatever the
/// console shows, so a client that cannot connect can say why: a gateway of another cluster, for instance, answers its
/// greeting with its own cluster id, and the client logs the mismatch before it retries.
/// </summary>
public sealed class ConnectionErrorLog : ILoggerProvider
{
    private const int Kept = 32;
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string message)
    {
        _messages.Enqueue(message);
        while (_messages.Count > Kept && _messages.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ConnectionErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && category.StartsWith("Orleans", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var messages = new List<string> { formatter(state, exception) };
                for (var error = exception; error is not null; error = error.InnerException)
                {
                    messages.Add(error.Message);
                }

                log.Add(string.Join(" | ", messages));
            }
        }
    }
}
