using GridSearch.Training.Runtime;

namespace GridSearch.Client.Hosting;

/// <summary>
/// Finds the numerics mode before the command line is parsed: libtorch reads its CPU settings when it starts, which may
/// be before a command runs, so <c>--numerics</c> (or <c>GRIDSEARCH_NUMERICS</c>) is read from the raw arguments first.
/// The option is also declared on the commands that train, so help shows it and strict parsing accepts it.
/// </summary>
public static class NumericsArgument
{
    public const string Option = "--numerics";

    /// <exception cref="NumericsSettingException">The value is not a mode.</exception>
    public static NumericsMode Read(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == Option)
            {
                return CpuNumerics.Parse(i + 1 < args.Count ? args[i + 1] : null, Option);
            }

            if (args[i].StartsWith(Option + "=", StringComparison.Ordinal))
            {
                return CpuNumerics.Parse(args[i][(Option.Length + 1)..], Option);
            }
        }

        return CpuNumerics.Parse(Environment.GetEnvironmentVariable(CpuNumerics.Variable), CpuNumerics.Variable);
    }
}
