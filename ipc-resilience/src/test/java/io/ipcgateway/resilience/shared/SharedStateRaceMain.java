package io.ipcgateway.resilience.shared;

import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link SharedStateRaceIT}: {@code dir name startAtEpochMs}. Waits for the start time so every
 * child races, opens or creates the file (the creator takes 300 ms to initialise, so the others must wait), then
 * adds one to a counter in the body and prints {@code RESULT creator=<bool> marker=<long>}.
 */
public final class SharedStateRaceMain
{
    private SharedStateRaceMain()
    {
    }

    /**
     * Runs the child.
     *
     * @param args dir, name, start time.
     * @throws Exception on any failure (printed, exit code non-zero).
     */
    public static void main(final String[] args) throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(Paths.get(args[0]))
            .initTimeout(20, TimeUnit.SECONDS).build();
        final long startAt = Long.parseLong(args[2]);
        System.out.println("READY");
        while (System.currentTimeMillis() < startAt)
        {
            Thread.onSpinWait();
        }
        try (SharedStateFile file = SharedStateFile.openOrCreate(
            options, SharedStateKind.RATE_LIMITER, args[1], 64, 77L, body ->
            {
                try
                {
                    Thread.sleep(300);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                body.putLong(0, 4242);
            }))
        {
            file.buffer().getAndAddLong(8, 1);
            System.out.println("RESULT creator=" + file.isCreator() + " marker=" + file.buffer().getLongVolatile(0));
        }
    }
}
