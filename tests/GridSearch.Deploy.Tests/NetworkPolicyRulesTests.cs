using k8s.Models;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// The manifests' NetworkPolicies, evaluated as Kubernetes evaluates ingress rules, against the traffic the README
/// describes: silos reach each other and Redis, the submit job reaches the gateway, Prometheus (namespace monitoring)
/// reaches the metrics port only, and nothing else gets in.
/// </summary>
public sealed class NetworkPolicyRulesTests
{
    /// <summary>The namespace kustomization.yaml puts every object in.</summary>
    private const string Namespace = "gridsearch";

    private sealed record Pod(IDictionary<string, string> Labels, string Namespace = Namespace);

    private static readonly List<V1NetworkPolicy> Policies = Manifests.All.OfType<V1NetworkPolicy>().ToList();

    private static Pod Workload(string name) =>
        new(Manifests.Workloads.Single(w => w.Name == name).Template.Metadata.Labels);

    private static readonly Pod Gateway = Workload("gridsearch-gateway");
    private static readonly Pod Trainer = Workload("gridsearch-trainer");
    private static readonly Pod Redis = Workload("gridsearch-redis");
    private static readonly Pod SubmitJob = Workload("gridsearch-submit-cat-dog");
    private static readonly Pod Prometheus = new(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" }, "monitoring");
    private static readonly Pod Stranger = new(new Dictionary<string, string> { ["app"] = "web" });

    /// <summary>
    /// Kubernetes' rule: a pod selected by no ingress policy admits everything; otherwise a connection is admitted when
    /// some rule of a policy selecting it lists the port (or no ports) and a peer that matches the source (or no peers).
    /// A peer with only a podSelector means pods of the policy's own namespace; with a namespaceSelector, pods of the
    /// namespaces it selects (narrowed by a podSelector beside it).
    /// </summary>
    private static bool Admits(Pod source, Pod target, int port)
    {
        var selecting = Policies.Where(p => p.Metadata.NamespaceProperty is null or Namespace && target.Namespace == Namespace
            && Manifests.Matches(p.Spec.PodSelector.MatchLabels, target.Labels) && p.Spec.PolicyTypes.Contains("Ingress")).ToList();
        if (selecting.Count == 0)
        {
            return true;
        }

        return selecting.SelectMany(p => p.Spec.Ingress ?? []).Any(rule =>
            (rule.Ports is not { Count: > 0 } || rule.Ports.Any(p => p.Port.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            && (rule.FromProperty is not { Count: > 0 } || rule.FromProperty.Any(peer => PeerMatches(peer, source))));
    }

    private static bool PeerMatches(V1NetworkPolicyPeer peer, Pod source)
    {
        Assert.Null(peer.IpBlock); // not used by GridSearch's policies; the evaluator would need it
        bool inNamespace = peer.NamespaceSelector is { } namespaces
            ? Manifests.Matches(namespaces.MatchLabels, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = source.Namespace })
            : source.Namespace == Namespace;
        return inNamespace && (peer.PodSelector is not { } pods || Manifests.Matches(pods.MatchLabels, source.Labels));
    }

    [Theory]
    [InlineData(11111)]
    [InlineData(30000)]
    [InlineData(8080)]
    public void Silos_ReachEachOtherOnTheSiloGatewayAndMetricsPorts(int port)
    {
        Assert.True(Admits(Trainer, Gateway, port));
        Assert.True(Admits(Gateway, Trainer, port));
        Assert.True(Admits(Trainer, Trainer, port));
    }

    [Fact]
    public void SubmitJob_ReachesTheGateway_ButNotRedis()
    {
        Assert.True(Admits(SubmitJob, Gateway, 30000));
        Assert.False(Admits(SubmitJob, Redis, 6379));
    }

    [Fact]
    public void Redis_AdmitsSilosOnItsPortOnly()
    {
        Assert.True(Admits(Gateway, Redis, 6379));
        Assert.True(Admits(Trainer, Redis, 6379));
        Assert.False(Admits(Trainer, Redis, 6380));
        Assert.False(Admits(Stranger, Redis, 6379));
        Assert.False(Admits(Prometheus, Redis, 6379));
    }

    [Fact]
    public void Prometheus_ReachesTheMetricsPortOnly()
    {
        Assert.True(Admits(Prometheus, Gateway, 8080));
        Assert.True(Admits(Prometheus, Trainer, 8080));
        Assert.False(Admits(Prometheus, Gateway, 30000));
        Assert.False(Admits(Prometheus, Trainer, 11111));
    }

    [Theory]
    [InlineData(11111)]
    [InlineData(30000)]
    [InlineData(8080)]
    public void OtherPods_EvenLabelledAsGridSearchInAnotherNamespace_ReachNoSiloPort(int port)
    {
        var impostor = new Pod(new Dictionary<string, string>(SubmitJob.Labels), "default");
        Assert.False(Admits(Stranger, Gateway, port));
        Assert.False(Admits(Stranger, Trainer, port));
        Assert.False(Admits(impostor, Gateway, port));
    }

    [Fact]
    public void EveryPortASiloContainerDeclares_IsAdmittedFromSomewhere_AndThePoliciesNameNoOtherPort()
    {
        var declared = Manifests.SiloContainers.SelectMany(c => c.Container.Ports).Select(p => p.ContainerPort).Distinct().ToList();
        var named = Policies.Where(p => Manifests.Matches(p.Spec.PodSelector.MatchLabels, Gateway.Labels))
            .SelectMany(p => p.Spec.Ingress).SelectMany(r => r.Ports ?? []).Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct();

        Assert.Equal(declared.Order(), named.Order());
        Assert.All(declared, port => Assert.True(Admits(Trainer, Gateway, port), $"port {port}"));
    }
}
