using k8s;
using k8s.Models;

namespace GridSearch.Deploy.Tests;

/// <summary>The Prometheus Operator's PodMonitor, as far as GridSearch's manifest uses it.</summary>
public sealed class PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ObjectMeta Metadata { get; set; } = new();
    public PodMonitorSpec Spec { get; set; } = new();
}

public sealed class PodMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();
    public List<PodMetricsEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class PodMetricsEndpoint
{
    public string? Port { get; set; }
    public string? Path { get; set; }
    public string? Interval { get; set; }
}

/// <summary>Every object of deploy/k8s, parsed strictly: a misspelled or misplaced field fails the load.</summary>
public static class Manifests
{
    public static string Directory => Path.Combine(GridSearch.TestSupport.RepositoryPaths.Root, "deploy", "k8s");

    private static readonly Dictionary<string, Type> TypeMap = new()
    {
        ["monitoring.coreos.com/v1/PodMonitor"] = typeof(PodMonitor),
    };

    public static IEnumerable<string> Files => System.IO.Directory.GetFiles(Directory, "*.yaml")
        .Where(f => Path.GetFileName(f) != "kustomization.yaml").Order();

    public static List<object> Load(string file) => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), TypeMap, strict: true);

    public static IReadOnlyList<object> All { get; } = Files.SelectMany(Load).ToList();

    public static IEnumerable<(string Name, V1PodTemplateSpec Template, V1LabelSelector Selector)> Workloads =>
        All.Select(o => o switch
        {
            V1Deployment d => (d.Metadata.Name, d.Spec.Template, d.Spec.Selector),
            V1StatefulSet s => (s.Metadata.Name, s.Spec.Template, s.Spec.Selector),
            V1Job j => (j.Metadata.Name, j.Spec.Template, j.Spec.Selector ?? new V1LabelSelector()),
            _ => default,
        }).Where(w => w.Name is not null);

    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The GridSearch silo containers (those that run the silo image).</summary>
    public static IEnumerable<(string Workload, V1Container Container)> SiloContainers =>
        Workloads.SelectMany(w => w.Template.Spec.Containers.Where(c => c.Image == "gridsearch/silo").Select(c => (w.Name, c)));

    public static string? Env(V1Container container, string name) => container.Env?.FirstOrDefault(e => e.Name == name)?.Value;
}
