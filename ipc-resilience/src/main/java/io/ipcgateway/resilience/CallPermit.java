package io.ipcgateway.resilience;

/**
 * A step that decides whether a call may go ahead and is told how it ended: the shape of a circuit breaker as
 * the {@code decorators} package sees it, so a breaker (in-process or shared between processes) plugs into a
 * decorated call without the decorators knowing its class.
 * <p>
 * Protocol, per call: {@link #tryAcquirePermission()}; when it returns {@code false} the call is not made and
 * {@link #notPermittedException()} is thrown to the caller; when it returns {@code true} the call is made and
 * exactly one of {@link #onResult(long, Object, Throwable)} or {@link #releasePermission()} follows.
 * Implementations must be thread-safe; the permission path should allocate nothing.
 */
public interface CallPermit
{
    /**
     * Asks for permission to make one call, without waiting.
     *
     * @return {@code true} when the call may go ahead.
     */
    boolean tryAcquirePermission();

    /**
     * Gives back a permission that was acquired for a call that was then not made (another step refused it
     * before it started), so it is counted neither as a success nor as a failure.
     */
    void releasePermission();

    /**
     * Reports how a permitted call ended.
     *
     * @param durationNs how long the call took, in nanoseconds.
     * @param result     what the call returned, {@code null} when it threw (or returned null).
     * @param error      what the call threw, {@code null} when it returned normally.
     */
    void onResult(long durationNs, Object result, Throwable error);

    /**
     * The exception thrown to a caller whose call was not permitted. Implementations return a preallocated
     * instance (without a stack trace) so a rejection allocates nothing.
     *
     * @return the exception to throw.
     */
    RuntimeException notPermittedException();
}
