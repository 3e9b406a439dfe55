using Microsoft.Extensions.Logging;

namespace GridSearch.Client.Hosting;

/// <summary>Runtime logs go to stderr, quiet by default so they never mix into progress or JSON output.</summary>
public static class ClientLogging
{
    public static void Configure(ILoggingBuilder logging, bool verbose, ConnectionErrorLog? connectionErrors = null)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });
        logging.AddFilter((category, level) => verbose
            ? level >= LogLevel.Information
            : level >= (category?.StartsWith("GridSearch", StringComparison.Ordinal) == true ? LogLevel.Warning : LogLevel.Error));
        logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        if (connectionErrors is not null)
        {
            logging.AddProvider(connectionErrors);
            logging.AddFilter<ConnectionErrorLog>((_, level) => level >= LogLevel.Warning);
        }
    }
}
