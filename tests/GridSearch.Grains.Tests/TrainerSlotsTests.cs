using System.Net;
using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests;

public sealed class TrainerSlotsTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    private static RunRecord RunningOn(SiloAddress silo) => new() { SiloAddress = silo.ToParsableString() };

    [Fact]
    public void Free_IsEveryTrainersSlotsLessWhatIsOut()
    {
        var slots = new TrainerSlots([(A, 2), (B, 3)], [RunningOn(A), RunningOn(B), RunningOn(B)], shortRuns: false, pending: 100, limit: 0);

        Assert.Equal(2, slots.Free);
    }

    [Fact]
    public void Free_WithShortTrials_QueuesOnePerSlot()
    {
        var slots = new TrainerSlots([(A, 2)], [RunningOn(A)], shortRuns: true, pending: 100, limit: 0);

        Assert.Equal(3, slots.Free);
    }

    [Fact]
    public void Free_WithShortTrials_QueuesNothingOnceNoMoreRunsArePendingThanSlots()
    {
        // Three slots, three runs left: they go to free slots only, never behind a busy one.
        var slots = new TrainerSlots([(A, 2), (B, 1)], [RunningOn(A)], shortRuns: true, pending: 3, limit: 0);

        Assert.Equal(2, slots.Free);
        var first = slots.Next()!;
        slots.Took(first.ToParsableString());
        var second = slots.Next()!;
        slots.Took(second.ToParsableString());
        Assert.Equal([A, B], new[] { first, second }.OrderBy(s => s.Endpoint.Port));
        Assert.Null(slots.Next());
    }

    [Fact]
    public void Next_PicksTheTrainerWithTheMostRoom()
    {
        var slots = new TrainerSlots([(A, 2), (B, 2)], [RunningOn(A)], shortRuns: false, pending: 100, limit: 0);

        Assert.Equal(B, slots.Next());
        slots.Took(B.ToParsableString());
        Assert.Equal(A, slots.Next());
        slots.Took(A.ToParsableString());
        Assert.Equal(B, slots.Next());
        slots.Took(B.ToParsableString());
        Assert.Null(slots.Next());
    }

    [Fact]
    public void Free_IsCappedByTheSweepsLimit()
    {
        var slots = new TrainerSlots([(A, 8)], [RunningOn(A)], shortRuns: false, pending: 100, limit: 3);

        Assert.Equal(2, slots.Free);
    }

    [Fact]
    public void Free_WithNoTrainer_IsOneSoThatPlacementReportsIt()
    {
        Assert.Equal(1, new TrainerSlots([], [], shortRuns: false, pending: 100, limit: 0).Free);
    }
}
