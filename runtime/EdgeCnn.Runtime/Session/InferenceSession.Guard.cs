namespace EdgeCnn;

// One session, one arena: two threads running it at once would overwrite each other's activations and
// return wrong scores without any error. Run, Run<T> and Classify therefore claim the session with one
// interlocked flag (no lock, no allocation) and a second caller fails loudly instead.
public sealed partial class InferenceSession
{
    internal const string ConcurrentUseMessage =
        "this InferenceSession is already running on another thread: a session serves one thread at a time. " +
        "Create one session per thread (sessions of one EdgeModel share its weights), or keep a pool of sessions.";

    private int _inUse;

    private void Enter()
    {
        if (Interlocked.Exchange(ref _inUse, 1) != 0) throw new InvalidOperationException(ConcurrentUseMessage);
    }

    private void Exit() => Volatile.Write(ref _inUse, 0);
}
