package io.ipcgateway.bench.chronicle;

import net.openhft.chronicle.threads.Pauser;
import org.agrona.concurrent.IdleStrategy;

/**
 * Chronicle's {@link Pauser#balanced()} behind the harness's {@link IdleStrategy}: how a Chronicle user waits for
 * the next document (Chronicle's own event loops pause this way), so the harness's loops wait as Chronicle would.
 */
final class PauserIdleStrategy implements IdleStrategy
{
    private final Pauser pauser = Pauser.balanced();

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            pauser.reset();
        }
        else
        {
            pauser.pause();
        }
    }

    @Override
    public void idle()
    {
        pauser.pause();
    }

    @Override
    public void reset()
    {
        pauser.reset();
    }
}
