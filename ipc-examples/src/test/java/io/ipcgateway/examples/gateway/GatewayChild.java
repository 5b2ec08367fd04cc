package io.ipcgateway.examples.gateway;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.examples.RunningMain;

/**
 * A main of the gateway's tests running in its own JVM: a {@link RunningMain} whose waits take seconds.
 */
final class GatewayChild extends RunningMain
{
    private GatewayChild(final String label, final Class<?> mainClass, final List<String> args, final String marker)
    {
        super(label, mainClass, args, marker);
    }

    static GatewayChild start(final String label, final Class<?> mainClass, final List<String> args,
        final String marker)
    {
        return new GatewayChild(label, mainClass, args, marker);
    }

    boolean awaitMarker(final long seconds) throws InterruptedException
    {
        return awaitMarker(seconds, TimeUnit.SECONDS);
    }

    boolean awaitExit(final long seconds) throws InterruptedException
    {
        return awaitExit(seconds, TimeUnit.SECONDS);
    }

    void awaitOutput(final String text, final long seconds) throws InterruptedException
    {
        awaitOutput(text, seconds, TimeUnit.SECONDS);
    }
}
