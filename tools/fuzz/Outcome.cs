namespace EdgeCnn.Fuzz;

/// <summary>What one input did. Only <see cref="Accepted"/> and <see cref="Rejected"/> pass.</summary>
public enum OutcomeKind
{
    /// <summary>Loaded and ran.</summary>
    Accepted,
    /// <summary>Refused with the loader's documented exception.</summary>
    Rejected,
    /// <summary>Any other exception.</summary>
    Undocumented,
    /// <summary>Allocated more than the limit while handling one input.</summary>
    Allocation,
    /// <summary>The child process died (stack overflow, access violation, abort).</summary>
    Crash,
    /// <summary>The watchdog killed the child: one input took longer than the time limit.</summary>
    Hang,
}

public readonly record struct Outcome(OutcomeKind Kind, string Detail, long AllocatedBytes)
{
    public bool Passed => Kind is OutcomeKind.Accepted or OutcomeKind.Rejected;
}
