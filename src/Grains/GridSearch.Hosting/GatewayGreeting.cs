using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Polly;
using Polly.Retry;

namespace GridSearch.Hosting;

/// <summary>
/// Greets an Orleans gateway the way a client does and reads the cluster id it answers with. An Orleans gateway sends
/// its greeting before it checks the client's, so one greeting exchange names the cluster even when this client's id
/// is wrong: a client told the wrong --cluster-id learns the right one at once, instead of from its connection log.
/// </summary>
public static class GatewayGreeting
{
    // The greeting is a little-endian length and an Orleans-serialized preamble; Orleans refuses longer ones.
    private const int LongestGreeting = 1024;

    private static readonly Lazy<Serializer<Preamble>> Serializer = new(() =>
        new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(Preamble).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer<Preamble>>());

    // A gateway of another cluster writes its greeting and then drops the connection at once, and a busy one may drop
    // it before the greeting has left: an exchange cut off before the answer is tried again.
    private static readonly ResiliencePipeline<Answer> CutOffExchanges = new ResiliencePipelineBuilder<Answer>()
        .AddRetry(new RetryStrategyOptions<Answer>
        {
            ShouldHandle = exchange => ValueTask.FromResult(exchange.Outcome is { Exception: null, Result.CutOff: true }),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromMilliseconds(50),
            BackoffType = DelayBackoffType.Exponential,
        })
        .Build();

    /// <summary>
    /// The cluster id the gateway at <paramref name="gateway"/> announces, or null when it does not answer a greeting
    /// within <paramref name="wait"/> (not an Orleans gateway, or one that requires TLS).
    /// </summary>
    public static async Task<string?> AnnouncedClusterIdAsync(IPEndPoint gateway, string clusterId, TimeSpan wait, CancellationToken cancellation)
    {
        // Built before the clock starts: the serializer's first use takes longer than a gateway's answer.
        byte[] greeting = Framed(new Preamble
        {
            NetworkProtocolVersion = NetworkProtocolVersion.Version1,
            NodeIdentity = GrainId.Create("sys.client", Guid.NewGuid().ToString("N")),
            ClusterId = clusterId,
        });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(wait);
        try
        {
            var answer = await CutOffExchanges.ExecuteAsync(
                async token => await ExchangeAsync(gateway, greeting, token), deadline.Token);
            return answer.ClusterId;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<Answer> ExchangeAsync(IPEndPoint gateway, byte[] greeting, CancellationToken cancellation)
    {
        using var client = new TcpClient(gateway.AddressFamily);
        try
        {
            await client.ConnectAsync(gateway, cancellation);
        }
        catch (SocketException)
        {
            return Answer.None; // nothing listens there: asking again changes nothing
        }

        try
        {
            var stream = client.GetStream();
            await stream.WriteAsync(greeting, cancellation);

            var length = new byte[sizeof(int)];
            await stream.ReadExactlyAsync(length, cancellation);
            int size = BinaryPrimitives.ReadInt32LittleEndian(length);
            if (size is <= 0 or > LongestGreeting)
            {
                return Answer.None;
            }

            var body = new byte[size];
            await stream.ReadExactlyAsync(body, cancellation);
            return new Answer(Serializer.Value.Deserialize(body)?.ClusterId, CutOff: false);
        }
        catch (SerializerException)
        {
            return Answer.None;
        }
        catch (Exception error) when (error is IOException or SocketException or EndOfStreamException)
        {
            return new Answer(null, CutOff: true);
        }
    }

    /// <summary>What one exchange learned: the announced cluster id, or none; cut off when the connection ended first.</summary>
    private readonly record struct Answer(string? ClusterId, bool CutOff)
    {
        public static Answer None => new(null, CutOff: false);
    }

    private static byte[] Framed(Preamble preamble)
    {
        byte[] body = Serializer.Value.SerializeToArray(preamble);
        var framed = new byte[sizeof(int) + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(framed, body.Length);
        body.CopyTo(framed, sizeof(int));
        return framed;
    }

    /// <summary>
    /// The fields of Orleans' connection preamble, by the same ids: Orleans' version-tolerant format reads a type by
    /// its field ids, so this class and the runtime's own (internal) one serialize alike.
    /// </summary>
    [GenerateSerializer]
    public sealed class Preamble
    {
        [Id(0)] public NetworkProtocolVersion NetworkProtocolVersion { get; init; }

        [Id(1)] public GrainId NodeIdentity { get; init; }

        [Id(2)] public SiloAddress? SiloAddress { get; init; }

        [Id(3)] public string ClusterId { get; init; } = "";
    }
}
