namespace GridSearch.Grains;

/// <summary>The grain storage provider every GridSearch grain uses: local files embedded, Redis in a cluster.</summary>
public static class GridSearchStorage
{
    public const string Name = "gridsearch";
}
