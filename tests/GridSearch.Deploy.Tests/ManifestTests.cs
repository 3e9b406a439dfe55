using GridSearch.Coordinator.Metrics;
using System.Text.Json;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using GridSearch.Grains.Metrics;
using GridSearch.Silo.Hosting;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace GridSearch.Deploy.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void EveryManifest_ParsesStrictly()
    {
        foreach (string file in Manifests.Files)
        {
            var objects = Manifests.Load(file);
            Assert.True(objects.Count > 0, $"{file} holds no Kubernetes object");
        }
    }

    [Fact]
    public void StrictParsing_RejectsAMisspelledField()
    {
        string text = File.ReadAllText(Path.Combine(Manifests.Directory, "gateway.yaml")).Replace("replicas:", "replicaz:");

        Assert.ThrowsAny<Exception>(() => k8s.KubernetesYaml.LoadAllFromString(text, null, strict: true));
    }

    [Fact]
    public void Kustomization_ListsEveryManifestFile()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Manifests.Directory, "kustomization.yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var resources = ((YamlSequenceNode)root.Children[new YamlScalarNode("resources")]).Select(n => ((YamlScalarNode)n).Value!).Order();

        Assert.Equal(Manifests.Files.Select(Path.GetFileName).Order(), resources);
    }

    [Fact]
    public void Workloads_SelectorsMatchTheirPodLabels()
    {
        Assert.NotEmpty(Manifests.Workloads);
        foreach (var (name, template, selector) in Manifests.Workloads.Where(w => w.Selector.MatchLabels is not null))
        {
            Assert.True(Manifests.Matches(selector.MatchLabels, template.Metadata.Labels), $"{name}: selector does not match its pod labels");
        }
    }

    [Fact]
    public void ServicesPdbsPoliciesAndMonitors_SelectExistingPods()
    {
        var podLabels = Manifests.Workloads.Select(w => w.Template.Metadata.Labels).ToList();
        bool SelectsSomething(IDictionary<string, string>? selector) => podLabels.Any(labels => Manifests.Matches(selector, labels));

        foreach (var item in Manifests.All)
        {
            switch (item)
            {
                case V1Service service:
                    Assert.True(SelectsSomething(service.Spec.Selector), $"service {service.Metadata.Name} selects no pod");
                    break;
                case V1PodDisruptionBudget pdb:
                    Assert.True(SelectsSomething(pdb.Spec.Selector.MatchLabels), $"PDB {pdb.Metadata.Name} selects no pod");
                    break;
                case V1NetworkPolicy policy:
                    Assert.True(SelectsSomething(policy.Spec.PodSelector.MatchLabels), $"network policy {policy.Metadata.Name} selects no pod");
                    break;
                case PodMonitor monitor:
                    Assert.True(SelectsSomething(monitor.Spec.Selector.MatchLabels), $"pod monitor {monitor.Metadata.Name} selects no pod");
                    Assert.All(monitor.Spec.PodMetricsEndpoints, e => Assert.Equal("/metrics", e.Path));
                    break;
            }
        }
    }

    [Fact]
    public void ServiceTargetPorts_AreNamedContainerPorts()
    {
        foreach (var service in Manifests.All.OfType<V1Service>())
        {
            var pods = Manifests.Workloads.Where(w => Manifests.Matches(service.Spec.Selector, w.Template.Metadata.Labels)).ToList();
            foreach (var port in service.Spec.Ports)
            {
                Assert.Contains(pods, p => p.Template.Spec.Containers.Any(c => c.Ports.Any(cp => cp.Name == port.TargetPort.Value)));
            }
        }
    }

    [Fact]
    public void TrainerSilos_AskForAGpuAndSchedulingOnGpuNodes()
    {
        var trainers = Manifests.SiloContainers.Where(s => Manifests.Env(s.Container, "GridSearch__Trainer__Enabled") == "true").ToList();

        Assert.NotEmpty(trainers);
        foreach (var (workload, container) in trainers)
        {
            Assert.True(container.Resources.Limits.TryGetValue("nvidia.com/gpu", out var gpu) && gpu.ToInt32() >= 1, $"{workload} asks for no GPU");
            var pod = Manifests.Workloads.Single(w => w.Name == workload).Template.Spec;
            Assert.Contains(pod.Tolerations, t => t.Key == "nvidia.com/gpu");
            Assert.NotEmpty(pod.NodeSelector);
            Assert.Equal("cuda", Manifests.Env(container, "GridSearch__Trainer__Device"));
        }
    }

    [Fact]
    public void Probes_PointAtTheSilosHttpPortAndHealthEndpoints()
    {
        foreach (var (workload, container) in Manifests.SiloContainers)
        {
            int httpPort = int.Parse(Manifests.Env(container, "GridSearch__Cluster__HttpPort")!);
            int gatewayPort = int.Parse(Manifests.Env(container, "GridSearch__Cluster__GatewayPort")!);
            int siloPort = int.Parse(Manifests.Env(container, "GridSearch__Cluster__SiloPort")!);
            Assert.Equal(3, new[] { httpPort, gatewayPort, siloPort }.Distinct().Count());
            Assert.Equal(httpPort, container.Ports.Single(p => p.Name == "http").ContainerPort);
            Assert.Equal(gatewayPort, container.Ports.Single(p => p.Name == "gateway").ContainerPort);
            Assert.Equal(siloPort, container.Ports.Single(p => p.Name == "silo").ContainerPort);
            foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
            {
                Assert.NotNull(probe);
                Assert.Equal("http", probe.HttpGet.Port.Value);
                Assert.Contains(probe.HttpGet.Path, new[] { "/healthz/live", "/healthz/ready" });
            }

            Assert.Equal("/healthz/ready", container.ReadinessProbe.HttpGet.Path);
        }
    }

    [Fact]
    public void TerminationGracePeriod_IsLongerThanTheShutdownDrain()
    {
        foreach (var (workload, container) in Manifests.SiloContainers)
        {
            var drain = TimeSpan.Parse(Manifests.Env(container, "GridSearch__Trainer__DrainTimeout") ?? "00:02:00");
            bool trains = Manifests.Env(container, "GridSearch__Trainer__Enabled") == "true";
            long grace = Manifests.Workloads.Single(w => w.Name == workload).Template.Spec.TerminationGracePeriodSeconds ?? 30;
            // The host waits drain + 30 s before stopping; Kubernetes must not kill it sooner.
            Assert.True(!trains || grace > (drain + TimeSpan.FromSeconds(30)).TotalSeconds, $"{workload}: grace period {grace}s is too short for a {drain} drain");
        }
    }

    [Fact]
    public void EnvironmentVariables_AreSettingsTheSiloReads()
    {
        var sections = new Dictionary<string, Type>
        {
            [ClusterHostOptions.Section] = typeof(ClusterHostOptions),
            [TrainerSiloOptions.Section] = typeof(TrainerSiloOptions),
            [CoordinatorOptions.Section] = typeof(CoordinatorOptions),
            [MetricsOptions.Section] = typeof(MetricsOptions),
            [TlsSettings.Section] = typeof(TlsSettings),
        };
        foreach (var (workload, container) in Manifests.SiloContainers)
        {
            foreach (var env in container.Env)
            {
                if (env.Name is "POD_NAME" or "POD_IP")
                {
                    continue;
                }

                string[] parts = env.Name.Split("__");
                Assert.True(parts.Length >= 3 && sections.ContainsKey($"{parts[0]}:{parts[1]}"), $"{workload}: {env.Name} is not a GridSearch setting");
                var property = sections[$"{parts[0]}:{parts[1]}"].GetProperty(parts[2]);
                Assert.True(property is not null, $"{workload}: {env.Name} names no property of {parts[0]}:{parts[1]}");
            }
        }
    }

    [Fact]
    public void DashboardConfigMap_IsTheDashboardFile()
    {
        var map = Manifests.All.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "gridsearch-dashboard");
        string file = File.ReadAllText(Path.Combine(GridSearch.TestSupport.RepositoryPaths.Root, "deploy", "grafana", "gridsearch-dashboard.json"));

        Assert.Equal("1", map.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(JsonDocument.Parse(file).RootElement.ToString(), JsonDocument.Parse(map.Data["gridsearch-dashboard.json"]).RootElement.ToString());
    }

    [Fact]
    public void Datasets_AreMountedReadOnlyOnTrainers()
    {
        foreach (var (workload, container) in Manifests.SiloContainers.Where(s => Manifests.Env(s.Container, "GridSearch__Trainer__Enabled") == "true"))
        {
            var mount = container.VolumeMounts.Single(m => m.MountPath == Manifests.Env(container, "GridSearch__Trainer__DataRoots__0"));
            Assert.True(mount.ReadOnlyProperty, $"{workload}: the data set volume is writable");
        }
    }

    [Fact]
    public void EveryWorkload_RunsAsNonRootWithoutPrivilegesOrAServiceAccountToken()
    {
        Assert.Equal(4, Manifests.Workloads.Count()); // trainers, gateways, Redis, the submit job
        foreach (var (name, template, _) in Manifests.Workloads)
        {
            var pod = template.Spec;
            Assert.True(pod.AutomountServiceAccountToken == false, $"{name}: automountServiceAccountToken must be false");
            Assert.True(pod.SecurityContext?.RunAsNonRoot == true, $"{name}: runAsNonRoot must be true");
            Assert.True(pod.SecurityContext?.RunAsUser > 0, $"{name}: runAsUser must name a non-root user");
            Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
            {
                var security = container.SecurityContext;
                string what = $"{name}/{container.Name}";
                Assert.True(security?.AllowPrivilegeEscalation == false, $"{what}: allowPrivilegeEscalation must be false");
                Assert.True(security?.ReadOnlyRootFilesystem == true, $"{what}: the root file system must be read-only");
                Assert.Contains("ALL", security?.Capabilities?.Drop ?? []);
                Assert.Empty(security?.Capabilities?.Add ?? []);
                Assert.True(security?.Privileged is null or false, $"{what}: must not be privileged");
            }
        }
    }

    [Fact]
    public void EveryContainer_WritesOnlyToVolumes_AndHasAWritableTmp()
    {
        foreach (var (name, template, _) in Manifests.Workloads)
        {
            var claims = Manifests.All.OfType<V1StatefulSet>().Where(s => s.Metadata.Name == name)
                .SelectMany(s => s.Spec.VolumeClaimTemplates ?? []).Select(c => c.Metadata.Name);
            var volumes = (template.Spec.Volumes?.Select(v => v.Name) ?? []).Concat(claims).ToHashSet();
            foreach (var container in template.Spec.Containers)
            {
                var mounts = container.VolumeMounts ?? [];
                Assert.Contains(mounts, m => m.MountPath == "/tmp" && m.ReadOnlyProperty != true);
                Assert.All(mounts, m => Assert.Contains(m.Name, volumes));
            }
        }
    }

    [Fact]
    public void RedisPassword_NeverAppearsOnACommandLine()
    {
        foreach (var (name, template, _) in Manifests.Workloads)
        {
            foreach (var container in template.Spec.Containers)
            {
                string commandLine = string.Join(' ', (container.Command ?? []).Concat(container.Args ?? []));
                Assert.DoesNotContain("requirepass", commandLine);
                Assert.DoesNotContain("PASSWORD", commandLine, StringComparison.OrdinalIgnoreCase);
            }
        }

        var redis = Manifests.Workloads.Single(w => w.Name == "gridsearch-redis").Template.Spec;
        var auth = redis.Volumes.Single(v => v.Secret?.SecretName == "gridsearch-redis");
        Assert.Contains(redis.Containers.Single().VolumeMounts, m => m.Name == auth.Name && m.ReadOnlyProperty == true);
        Assert.Contains(redis.Containers.Single().Args, a => a.StartsWith("/etc/redis-auth/", StringComparison.Ordinal));
    }
}
