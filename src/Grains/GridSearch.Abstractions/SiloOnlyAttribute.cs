namespace GridSearch.Abstractions;

/// <summary>
/// Marks a grain interface or method that only GridSearch silos may call (trainer reports, runs, checkpoints, the
/// sweep registry's writes). A call from a client is refused with a <see cref="PermissionDeniedException"/> and
/// changes nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method)]
public sealed class SiloOnlyAttribute : Attribute;
