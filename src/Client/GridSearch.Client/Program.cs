using GridSearch.Client;
using GridSearch.Client.Commands;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, args) =>
{
    // The first Ctrl+C cancels cleanly (between batches); a second one ends the process at once.
    if (!cancellation.IsCancellationRequested)
    {
        args.Cancel = true;
        cancellation.Cancel();
    }
};

return await GridSearchApp.RunAsync(args, cancellation.Token);
