namespace GridSearch.Client.Hosting;

/// <summary>A way to reach sweeps: an embedded silo in this process, or a client of a running silo.</summary>
public interface ISweepConnection : IAsyncDisposable
{
    IGrainFactory Grains { get; }

    /// <summary>A line for the user: where the sweeps live.</summary>
    string Description { get; }
}
