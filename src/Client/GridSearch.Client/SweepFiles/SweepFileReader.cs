using System.Globalization;
using GridSearch.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GridSearch.Client.SweepFiles;

/// <summary>
/// Reads a sweep file (YAML, or JSON, which the YAML parser reads as well) and reports every mistake at once, each as
/// <c>file:line:column: key: what is wrong and what would be right</c>. Parameter values are checked against the
/// catalog here too, so a wrong value points at its line rather than at the command line.
/// </summary>
public static class SweepFileReader
{
    public const string Example = "see examples/sweep.yaml or docs/sweep-files.md";

    private static readonly string[] TopKeys =
    [
        "data", "seed", "search", "samples", "scheduler", "parameters", "max_concurrent", "retries", "train_fraction",
        "validation_fraction", "shared_prefix", "image_size", "fuse", "group_size", "program", "metric", "mode",
        "max_epochs", "time_budget", "from",
    ];

    public static SweepFile Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new UserInputException($"sweep file '{path}' does not exist; give the path of a YAML or JSON sweep file ({Example}).");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"sweep file '{path}' cannot be read: {error.Message}");
        }

        string text = SweepFileSyntax.Decode(bytes, path, out string? problem);
        return problem is null
            ? Parse(text, path, System.IO.Path.GetDirectoryName(full)!)
            : throw new UserInputException($"Sweep file '{path}' has 1 problem(s):{Environment.NewLine}  {problem}");
    }

    public static SweepFile Parse(string text, string path, string folder)
    {
        var context = new SweepFileContext(path);
        YamlMappingNode? root = null;
        if (SweepFileSyntax.Problem(text, path) is { } syntax)
        {
            context.Problems.Add(syntax);
        }
        else
        {
            var parser = new Parser(new StringReader(text));
            try
            {
                var stream = new YamlStream();
                stream.Load(parser);
                root = stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode;
                if (root is null)
                {
                    context.Add(stream.Documents.FirstOrDefault()?.RootNode, "", "the file must be a mapping of keys such as data:, parameters:, search:");
                }
            }
            catch (YamlException error)
            {
                // What the event scan cannot see: duplicate keys, an alias to an anchor not defined before it.
                context.Problems.Add($"{path}:{error.Start.Line}:{error.Start.Column}: not valid YAML or JSON: {SweepFileSyntax.Innermost(error).Message}");
            }
            catch (Exception error) when (error is ArgumentException or InvalidOperationException)
            {
                // The document loader refuses some event sequences the parser allows (a key with no name after a nested block).
                var at = parser.Current?.Start ?? Mark.Empty;
                context.Problems.Add($"{path}:{at.Line}:{at.Column}: not valid YAML or JSON here: every key needs a name (name: value), and nested keys one indentation level deeper.");
            }
        }

        var file = root is null ? new SweepFile { Path = path } : Read(root, context, folder);
        return context.Problems.Count == 0
            ? file
            : throw new UserInputException($"Sweep file '{path}' has {context.Problems.Count} problem(s):"
                                           + string.Concat(context.Problems.Select(p => Environment.NewLine + "  " + p)));
    }

    private static SweepFile Read(YamlMappingNode root, SweepFileContext context, string folder)
    {
        var file = new SweepFile { Path = context.Path };
        // A program's parameters are its own names, so the parameters are read knowing whether there is one.
        bool program = root.Children.Any(pair => pair.Key is YamlScalarNode { Value: "program" });
        foreach (var (keyNode, value) in root.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            file = key switch
            {
                "data" => file with { Data = context.Text(value, key) is { } data ? System.IO.Path.GetFullPath(data, folder) : null },
                "seed" => file with { Seed = context.Long(value, key) },
                "search" => file with { Search = context.Text(value, key) },
                "samples" => file with { Samples = context.Int(value, key) },
                "scheduler" => file with { Scheduler = ReadScheduler(value, context) },
                "parameters" => file with { Parameters = ReadParameters(value, context, program) },
                "max_concurrent" => file with { MaxConcurrent = context.Int(value, key) },
                "retries" => file with { Retries = context.Int(value, key) },
                "train_fraction" => file with { TrainFraction = context.Double(value, key) },
                "validation_fraction" => file with { ValidationFraction = context.Double(value, key) },
                "shared_prefix" => file with { SharedPrefix = context.Bool(value, key) },
                "image_size" => file with { ImageSize = ReadImageSize(value, context) },
                "fuse" => file with { Fuse = context.Bool(value, key) },
                "group_size" => file with { GroupSize = ReadGroupSize(value, context) },
                "program" => file with { Program = ProgramFileReader.Read(value, context, folder) },
                "metric" => file with { Metric = context.Text(value, key) },
                "mode" => file with { Mode = ProgramFileReader.Mode(value, context) },
                "max_epochs" => file with { MaxEpochs = context.Int(value, key) },
                "from" => file with { From = context.Text(value, key) },
                "time_budget" => file with { TimeBudget = ProgramFileReader.Duration(value, key, context) },
                _ => context.Unknown(keyNode, key, "", TopKeys, file),
            };
        }

        return file;
    }

    private static int? ReadImageSize(YamlNode node, SweepFileContext context)
    {
        int? size = context.Int(node, "image_size");
        if (size is < SweepSpecRules.MinImageSize or > SweepSpecRules.MaxImageSize)
        {
            context.Add(node, "image_size", $"{size} pixels is not an image size GridSearch trains on; use {SweepSpecRules.MinImageSize} to {SweepSpecRules.MaxImageSize}, for example 64");
            return null;
        }

        return size;
    }

    private static int? ReadGroupSize(YamlNode node, SweepFileContext context)
    {
        if (node is YamlScalarNode { Value: "auto" })
        {
            return SweepSpec.AutomaticFusedGroupSize;
        }

        int? size = context.Int(node, "group_size");
        if (size is < 1 or > SweepSpecRules.MaxFusedGroupSize)
        {
            context.Add(node, "group_size", $"{size} is not a fused group size; use 1 to {SweepSpecRules.MaxFusedGroupSize} (1 trains every run alone, like 'fuse: false'), or auto");
            return null;
        }

        return size;
    }

    private static SchedulerSpec? ReadScheduler(YamlNode node, SweepFileContext context)
    {
        if (node is YamlScalarNode)
        {
            string? name = context.Text(node, "scheduler");
            if (name is not null && !SchedulerNames.All.Contains(name))
            {
                context.Add(node, "scheduler", $"'{name}' is not a scheduler; use one of {string.Join(", ", SchedulerNames.All)}");
            }

            return name is null ? null : new SchedulerSpec { Name = name };
        }

        if (node is not YamlMappingNode mapping)
        {
            context.Add(node, "scheduler", "give a name (fifo, halving, asha, median, hyperband, pbt) or a mapping with name:, eta:, min_epochs:, min_samples: (pbt: interval:, quantile:, resample_probability:)");
            return null;
        }

        var scheduler = new SchedulerSpec();
        foreach (var (keyNode, value) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string at = $"scheduler.{key}";
            scheduler = key switch
            {
                "name" => scheduler with { Name = context.Text(value, at) ?? scheduler.Name },
                "eta" => scheduler with { ReductionFactor = context.Int(value, at) ?? scheduler.ReductionFactor },
                "min_epochs" or "grace_period" => scheduler with { MinEpochs = context.Int(value, at) ?? scheduler.MinEpochs },
                "min_samples" => scheduler with { MinSamples = context.Int(value, at) ?? scheduler.MinSamples },
                "interval" => scheduler with { Interval = context.Int(value, at) ?? scheduler.Interval },
                "quantile" => scheduler with { Quantile = context.Double(value, at) ?? scheduler.Quantile },
                "resample_probability" => scheduler with { ResampleProbability = context.Double(value, at) ?? scheduler.ResampleProbability },
                _ => context.Unknown(keyNode, key, "scheduler.",
                    ["name", "eta", "min_epochs", "min_samples", "interval", "quantile", "resample_probability"], scheduler),
            };
        }

        if (!SchedulerNames.All.Contains(scheduler.Name))
        {
            context.Add(mapping, "scheduler.name", $"'{scheduler.Name}' is not a scheduler; use one of {string.Join(", ", SchedulerNames.All)}");
        }

        return scheduler;
    }

    private static List<SearchDimension> ReadParameters(YamlNode node, SweepFileContext context, bool program)
    {
        var dimensions = new List<SearchDimension>();
        if (node is not YamlMappingNode mapping)
        {
            context.Add(node, "parameters", "give a mapping from parameter names to a value, a list of values or a range {min, max, scale, count}");
            return dimensions;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            string name = (keyNode as YamlScalarNode)?.Value ?? "";
            string at = $"parameters.{name}";
            if (program && name != ParameterCatalog.Epochs)
            {
                if (!SweepSpecRules.IsValidProgramParameterName(name))
                {
                    context.Add(keyNode, at, $"'{name}' cannot name a program's parameter: use 1-64 letters, digits or '_', not starting with a digit");
                }
                else if (ReadDimension(ProgramParameter(name), value, at, context, program: true) is { } own)
                {
                    dimensions.Add(own);
                }

                continue;
            }

            if (ParameterCatalog.Find(name) is not { } definition)
            {
                context.Add(keyNode, at, ParameterCatalog.UnknownProblem(name));
                continue;
            }

            if (ReadDimension(definition, value, at, context) is { } dimension)
            {
                dimensions.Add(dimension);
            }
        }

        return dimensions;
    }

    // What the reader knows of a program's parameter before its values: a name, numbers or texts, no rule of GridSearch's.
    private static ParameterDefinition ProgramParameter(string name) =>
        new(name, ParameterKind.Float, $"value of {name}", $"--param {name}=VALUES", Default: null, IdPrefix: name,
            IsValidNumber: double.IsFinite, Rule: "must be a finite number");

    // program: a program's own parameter, whose lists take numbers and texts alike and whose ranges may say type: int.
    private static SearchDimension? ReadDimension(ParameterDefinition definition, YamlNode node, string at, SweepFileContext context,
        bool program = false)
    {
        switch (node)
        {
            case YamlScalarNode:
                return Value(definition, node, at, context, program) is { } single ? new SearchDimension(definition.Name, [single]) : null;
            case YamlSequenceNode list:
                var values = list.Children.Select((item, i) => Value(definition, item, $"{at}[{i}]", context, program)).ToList();
                if (values.Count == 0)
                {
                    context.Add(node, at, $"the list is empty; give at least one {definition.Label}");
                }

                return values.All(v => v is not null) ? new SearchDimension(definition.Name, values.Select(v => v!.Value).ToArray()) : null;
            case YamlMappingNode range:
                return ReadRange(definition, range, at, context, program);
            default:
                context.Add(node, at, "give a value, a list or a range");
                return null;
        }
    }

    private static SearchDimension? ReadRange(ParameterDefinition definition, YamlMappingNode node, string at, SweepFileContext context,
        bool program)
    {
        if (definition.Kind == ParameterKind.Choice)
        {
            context.Add(node, at, $"{definition.Name} takes one of {string.Join(", ", definition.Choices!)}, not a range; give a list");
            return null;
        }

        double? min = null, max = null;
        int? count = null;
        var scale = RangeScale.Linear;
        ParameterKind? kind = null;
        foreach (var (keyNode, value) in node.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            switch (key)
            {
                case "min": min = context.Double(value, $"{at}.min"); break;
                case "max": max = context.Double(value, $"{at}.max"); break;
                case "count": count = context.Int(value, $"{at}.count"); break;
                case "scale":
                    string? text = context.Text(value, $"{at}.scale");
                    if (text is "log" or "linear")
                    {
                        scale = text == "log" ? RangeScale.Log : RangeScale.Linear;
                    }
                    else
                    {
                        context.Add(value, $"{at}.scale", $"'{text}' is not a scale; use log or linear");
                    }

                    break;
                case "type" when program:
                    string? type = context.Text(value, $"{at}.type");
                    kind = type switch { "int" or "integer" => ParameterKind.Integer, "float" => ParameterKind.Float, _ => null };
                    if (kind is null && type is not null)
                    {
                        context.Add(value, $"{at}.type", $"'{type}' is not a range type; use int (whole numbers) or float");
                    }

                    break;
                default:
                    context.Unknown(keyNode, key, $"{at}.", program ? ["min", "max", "scale", "count", "type"] : ["min", "max", "scale", "count"], 0);
                    break;
            }
        }

        if (min is null || max is null)
        {
            context.Add(node, at, "a range needs both min: and max:");
            return null;
        }

        var parsed = new SearchDimension(definition.Name, Range: new ParameterRange(min.Value, max.Value, scale, count), Kind: kind);
        var alone = new SweepSpec { Parameters = [parsed], Program = program ? new ProgramSpec { Command = ["program"] } : null };
        var problems = SweepSpecRules.SpaceProblems(alone).Where(p => p.StartsWith(definition.Name + " ", StringComparison.Ordinal)).ToList();
        problems.ForEach(p => context.Add(node, at, p));
        return problems.Count == 0 ? parsed : null;
    }

    private static ParameterValue? Value(ParameterDefinition definition, YamlNode node, string at, SweepFileContext context, bool program)
    {
        if (node is not YamlScalarNode { Value: { } text })
        {
            context.Add(node, at, $"give a single {definition.Label} here");
            return null;
        }

        ParameterValue value = definition.Kind == ParameterKind.Choice
            ? ParameterValue.Of(text)
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                ? ParameterValue.Of(number)
                : ParameterValue.Of(text);
        if ((!program || !value.IsText) && definition.Problem(value) is { } problem)
        {
            context.Add(node, at, problem);
            return null;
        }

        return value;
    }
}
