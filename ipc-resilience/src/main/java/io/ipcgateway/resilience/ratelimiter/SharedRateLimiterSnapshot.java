package io.ipcgateway.resilience.ratelimiter;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.resilience.shared.SharedStateKind;
import io.ipcgateway.resilience.shared.SharedStateView;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.LIMIT_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.ORIGIN_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.PERIOD_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.STATE_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.TIMEOUT_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.WAITING_OFFSET;

/**
 * What a shared rate limiter's file says, read from outside the processes that use it (through a read-only
 * {@link SharedStateView}): the permits available now (with the refill of the periods that passed since the last
 * call, as {@link SharedRateLimiter#availablePermissions()} computes them), the settings and the waiting threads.
 *
 * @param name                 the limiter's name.
 * @param creatorPid           the pid of the process that created the file.
 * @param availablePermissions permits available now (negative when reserved ahead).
 * @param limitForPeriod       permits per period.
 * @param limitRefreshPeriodNs the period in nanoseconds.
 * @param timeoutNs            how long a caller waits for a permit.
 * @param waitingThreads       threads waiting for a permit, in every process.
 */
public record SharedRateLimiterSnapshot(String name, long creatorPid, int availablePermissions, int limitForPeriod,
    long limitRefreshPeriodNs, long timeoutNs, int waitingThreads)
{
    /**
     * Reads a limiter's file. Reads only: the view is read-only memory.
     *
     * @param view  a view of a {@link SharedStateKind#RATE_LIMITER} file.
     * @param nowNs {@code System.nanoTime()} now (the clock shared limiters use).
     * @return the snapshot.
     * @throws ChannelFileException naming the file when the body does not describe a valid limiter.
     */
    public static SharedRateLimiterSnapshot read(final SharedStateView view, final long nowNs)
    {
        if (view.kind() != SharedStateKind.RATE_LIMITER)
        {
            throw new ChannelFileException(view.path(), "not a rate limiter: kind=" + view.kind());
        }
        final UnsafeBuffer body = view.body();
        if (body.capacity() != SharedRateLimiterDescriptor.BODY_LENGTH)
        {
            throw new ChannelFileException(view.path(), "rate limiter body length mismatch: bodyLength="
                + body.capacity() + " expected=" + SharedRateLimiterDescriptor.BODY_LENGTH);
        }
        final long periodNs = body.getLongVolatile(PERIOD_OFFSET);
        final int limit = body.getIntVolatile(LIMIT_OFFSET);
        if (periodNs < 1 || limit < 1)
        {
            throw new ChannelFileException(view.path(), "invalid rate limiter settings in the file: periodNs="
                + periodNs + " limitForPeriod=" + limit);
        }
        final long cycle = (nowNs - body.getLongVolatile(ORIGIN_OFFSET)) / periodNs;
        return new SharedRateLimiterSnapshot(view.name(), view.creatorPid(),
            PermitCycles.permissionsAt(body.getLongVolatile(STATE_OFFSET), cycle, limit), limit, periodNs,
            body.getLongVolatile(TIMEOUT_OFFSET), Math.max(0, body.getIntVolatile(WAITING_OFFSET)));
    }
}
