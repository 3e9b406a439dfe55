using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using GridSearch.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// The greeting against a stand-in gateway on loopback: a gateway of another cluster drops the connection right after
/// its answer, and under load the drop can overtake the answer; an exchange cut off that way is asked again, while a
/// server that answers something else is not.
/// </summary>
public sealed class GatewayGreetingTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public GatewayGreetingTests() => _listener.Start();

    public void Dispose() => _listener.Stop();

    private IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    private static readonly Serializer<GatewayGreeting.Preamble> Preambles =
        new ServiceCollection().AddSerializer(builder => builder.AddAssembly(typeof(GatewayGreeting.Preamble).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer<GatewayGreeting.Preamble>>();

    /// <summary>Accepts connections, reads each greeting whole, and answers the n-th (0-based) with what answer(n) gives.</summary>
    private void Serve(Func<int, byte[]?> answer, CancellationToken cancellation) => _ = Task.Run(async () =>
    {
        while (!cancellation.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellation);
            int n = Interlocked.Increment(ref _connections) - 1;
            var stream = client.GetStream();
            var length = new byte[sizeof(int)];
            await stream.ReadExactlyAsync(length, cancellation);
            await stream.ReadExactlyAsync(new byte[BinaryPrimitives.ReadInt32LittleEndian(length)], cancellation);
            if (answer(n) is { } bytes)
            {
                await stream.WriteAsync(bytes, cancellation);
                // Held open until the client has read the answer and gone.
                _ = await stream.ReadAsync(new byte[1], cancellation);
            }
            else
            {
                client.Client.LingerState = new LingerOption(true, 0); // a reset: the answer never left
            }
        }
    }, cancellation);

    private static byte[] Framed(string clusterId)
    {
        byte[] body = Preambles.SerializeToArray(new GatewayGreeting.Preamble { ClusterId = clusterId });
        var framed = new byte[sizeof(int) + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(framed, body.Length);
        body.CopyTo(framed, sizeof(int));
        return framed;
    }

    [Fact]
    public async Task ExchangesCutOffBeforeTheAnswer_AreAskedAgain_UntilTheGatewayAnswers()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Serve(n => n < 2 ? null : Framed("blue"), stop.Token);

        string? announced = await GatewayGreeting.AnnouncedClusterIdAsync(Endpoint, "green", TimeSpan.FromSeconds(30), stop.Token);

        Assert.Equal("blue", announced);
        Assert.Equal(3, Volatile.Read(ref _connections));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task AServerAnsweringSomethingElse_IsNoGateway_AndIsAskedOnce()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Serve(_ => "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(), stop.Token);

        string? announced = await GatewayGreeting.AnnouncedClusterIdAsync(Endpoint, "green", TimeSpan.FromSeconds(30), stop.Token);

        Assert.Null(announced);
        Assert.Equal(1, Volatile.Read(ref _connections));
        await stop.CancelAsync();
    }
}
