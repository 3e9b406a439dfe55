using System.Reflection;
using GridSearch.Abstractions;

namespace GridSearch.Grains.Errors;

/// <summary>
/// Makes every failure that leaves a GridSearch grain readable by its caller. Exceptions of the training library (and
/// any other type without an Orleans codec) cannot be serialized: the caller would get "Could not find a codec"
/// instead of the message that says what is wrong. Such failures leave as a <see cref="SiloProblemException"/> with
/// the original message; types Orleans can carry (its own, .NET's, GridSearch's wire types) pass unchanged.
/// </summary>
public sealed class WireSafeErrorsFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception error) when (FirstUnserializable(error) is { } culprit)
        {
            throw new SiloProblemException(culprit.GetType().FullName ?? culprit.GetType().Name, Describe(error, culprit));
        }
    }

    private static Exception? FirstUnserializable(Exception error)
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (!CanCrossTheWire(current.GetType()))
            {
                return current;
            }
        }

        return null;
    }

    // Orleans carries its own and .NET's exception types, and GridSearch's that are marked for serialization.
    private static bool CanCrossTheWire(Type type) =>
        type.GetCustomAttribute<GenerateSerializerAttribute>() is not null
        || type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)
                                         || ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal));

    private static string Describe(Exception error, Exception culprit) =>
        ReferenceEquals(error, culprit) || error.Message.Contains(culprit.Message, StringComparison.Ordinal)
            ? culprit.Message
            : $"{error.Message} {culprit.Message}";
}
