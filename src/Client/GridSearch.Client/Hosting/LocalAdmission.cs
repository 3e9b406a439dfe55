using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;

namespace GridSearch.Client.Hosting;

/// <summary>
/// Who may connect to an embedded silo: only processes that can read its secret, which lives in the owner-only state
/// directory. Every connection to the gateway or silo port must open with the secret before Orleans' own handshake
/// (which announces the cluster id to anyone, so the id is no secret); any other connection is closed unanswered.
/// </summary>
public static class LocalAdmission
{
    public const int SecretLength = 32;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretLength);

    /// <summary>Server side: reads the secret first; a connection without it is aborted before Orleans sees it.</summary>
    public static IConnectionBuilder RequireSecret(this IConnectionBuilder builder, byte[] secret) => builder.Use(next => async connection =>
    {
        if (await PresentedAsync(connection, secret))
        {
            await next(connection);
        }
        else
        {
            connection.Abort(new ConnectionAbortedException("refused: the connection did not present this gridsearch process's secret"));
        }
    });

    /// <summary>Client side: sends the secret as the connection's first bytes.</summary>
    public static IConnectionBuilder PresentSecret(this IConnectionBuilder builder, byte[] secret) => builder.Use(next => async connection =>
    {
        await connection.Transport.Output.WriteAsync(secret);
        await next(connection);
    });

    private static async Task<bool> PresentedAsync(ConnectionContext connection, byte[] secret)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token);
                var buffer = read.Buffer;
                if (buffer.Length >= SecretLength)
                {
                    byte[] presented = buffer.Slice(0, SecretLength).ToArray();
                    input.AdvanceTo(buffer.GetPosition(SecretLength));
                    return CryptographicOperations.FixedTimeEquals(presented, secret);
                }

                if (read.IsCompleted)
                {
                    input.AdvanceTo(buffer.End);
                    return false;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
