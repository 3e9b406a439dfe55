namespace GridSearch.Abstractions;

/// <summary>The schedulers a sweep may name; the grains register an implementation under each.</summary>
public static class SchedulerNames
{
    public const string Fifo = "fifo";
    public const string Halving = "halving";
    public const string Asha = "asha";
    public const string Median = "median";
    public const string Hyperband = "hyperband";
    public const string Pbt = "pbt";

    public static readonly IReadOnlyList<string> All = [Fifo, Halving, Asha, Median, Hyperband, Pbt];
}
