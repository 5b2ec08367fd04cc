package io.ipcgateway.resilience.decorators;

import java.util.ArrayList;
import java.util.List;

import io.ipcgateway.resilience.CallPermit;

/**
 * A minimal breaker for the decorator tests: open after {@code failuresToOpen} failures in a row; records every
 * outcome it is told, in order.
 */
final class RecordingBreaker implements CallPermit
{
    private final int failuresToOpen;
    private final RuntimeException open = new IllegalStateException("breaker open");
    final List<String> outcomes = new ArrayList<>();
    int failuresInARow;
    int released;

    RecordingBreaker(final int failuresToOpen)
    {
        this.failuresToOpen = failuresToOpen;
    }

    @Override
    public synchronized boolean tryAcquirePermission()
    {
        return failuresInARow < failuresToOpen;
    }

    @Override
    public synchronized void releasePermission()
    {
        released++;
    }

    @Override
    public synchronized void onResult(final long durationNs, final Object result, final Throwable error)
    {
        if (durationNs < 0)
        {
            throw new AssertionError("negative duration " + durationNs);
        }
        if (error == null)
        {
            failuresInARow = 0;
            outcomes.add("ok:" + result);
        }
        else
        {
            failuresInARow++;
            outcomes.add("error:" + error.getClass().getSimpleName());
        }
    }

    @Override
    public RuntimeException notPermittedException()
    {
        return open;
    }

    synchronized List<String> outcomes()
    {
        return List.copyOf(outcomes);
    }
}
