using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Metrics.Tests;

/// <summary>The Grafana dashboard's structure: variables, and a title, unit and datasource on every panel.</summary>
public sealed class DashboardTests
{
    public static string DashboardPath => Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "gridsearch-dashboard.json");

    private static readonly JsonElement Dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath)).RootElement;

    public static IEnumerable<JsonElement> Panels => Dashboard.GetProperty("panels").EnumerateArray();

    [Fact]
    public void Templating_HasADatasourceVariableAndASweepSelector()
    {
        var variables = Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToArray();

        var datasource = Assert.Single(variables, v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", datasource.GetProperty("type").GetString());
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        var sweep = Assert.Single(variables, v => v.GetProperty("name").GetString() == "sweep");
        Assert.StartsWith("label_values(", sweep.GetProperty("definition").GetString());
        Assert.Equal("${datasource}", sweep.GetProperty("datasource").GetProperty("uid").GetString());
    }

    [Fact]
    public void EveryPanel_HasATitleAUnitAndTheDatasourceVariable()
    {
        Assert.NotEmpty(Panels);
        foreach (var panel in Panels)
        {
            string title = panel.GetProperty("title").GetString() ?? "";
            Assert.False(string.IsNullOrWhiteSpace(title), $"panel {panel.GetProperty("id")} has no title");
            Assert.False(string.IsNullOrWhiteSpace(panel.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("unit").GetString()),
                $"panel '{title}' has no unit");
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t =>
            {
                Assert.Equal("${datasource}", t.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"panel '{title}' has an empty query");
            });
        }
    }

    [Fact]
    public void Panels_CoverWhatOperatorsWatch()
    {
        string all = string.Join("\n", Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()));

        foreach (string metric in new[]
                 {
                     "gridsearch_trials", "gridsearch_sweep_best_val_accuracy", "gridsearch_trial_val_accuracy", "gridsearch_trial_train_loss",
                     "gridsearch_epoch_duration_seconds_bucket", "gridsearch_samples_trained_total", "gridsearch_trainer_slots_busy",
                     "gridsearch_trainer_cells_in_flight", "gridsearch_device_memory_bytes", "gridsearch_trainer_device_memory_reserved_bytes",
                     "gridsearch_trainer_slots", "orleans_catalog_activations", "orleans_app_requests_latency_milliseconds_bucket",
                 })
        {
            Assert.Contains(metric, all);
        }
    }
}
