using System.Collections.Concurrent;
using System.Reflection;
using GridSearch.Abstractions;

namespace GridSearch.Grains.Security;

/// <summary>Stamps every call a silo makes with the cluster secret, so the receiving silo knows a silo sent it.</summary>
public sealed class SiloCallStamp(ClusterSecret secret) : IOutgoingGrainCallFilter
{
    public const string Key = "gridsearch-silo-secret";

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (SiloOnlyCalls.IsSiloOnly(context.InterfaceMethod))
        {
            RequestContext.Set(Key, await secret.GetAsync());
        }

        await context.Invoke();
    }
}

/// <summary>
/// Refuses calls to interfaces and methods marked <see cref="SiloOnlyAttribute"/> unless they carry the cluster
/// secret: clients may call only the public sweep API. The refusal happens before the grain runs, so it changes
/// nothing.
/// </summary>
public sealed class SiloOnlyCalls(ClusterSecret secret) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> Marked = new();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (IsSiloOnly(context.InterfaceMethod) && !await secret.MatchesAsync(RequestContext.Get(SiloCallStamp.Key) as string))
        {
            var method = context.InterfaceMethod!;
            throw new PermissionDeniedException(
                $"{method.DeclaringType?.Name}.{method.Name} is reserved for GridSearch silos. Clients may call only the " +
                "public sweep API: submit, status, watch, cancel, resume, export, list and delete.");
        }

        await context.Invoke();
    }

    public static bool IsSiloOnly(MethodInfo? method) => method is not null && Marked.GetOrAdd(method, m =>
        m.GetCustomAttribute<SiloOnlyAttribute>() is not null
        || m.DeclaringType?.GetCustomAttribute<SiloOnlyAttribute>() is not null);
}
