package io.ipcgateway.resilience.circuitbreaker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.resilience.shared.ChildJvm;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several real JVMs share one breaker through its mapped file.
 */
class SharedCircuitBreakerIT
{
    /** Generous bound for another process to see OPEN on a shared, noisy 2-core machine; the figure is printed. */
    private static final long SEE_OPEN_BOUND_MS = 2_000;

    @TempDir
    Path temp;

    @Test
    void shouldStopOtherProcessesCallingWhenOneProcessTripsTheSharedBreaker() throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(temp.resolve("state")).build();
        final List<ChildJvm> observers = new ArrayList<>();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open("payments", SharedBreakerChild.config(), options))
        {
            for (int i = 0; i < 2; i++)
            {
                observers.add(ChildJvm.start(SharedBreakerChild.class, "observe", options.baseDirectory().toString(),
                    "payments"));
            }
            for (final ChildJvm observer : observers)
            {
                observer.await("READY", 60_000);
            }
            Thread.sleep(500);
            for (int i = 0; i < 3; i++)
            {
                assertThat(breaker.tryAcquirePermission()).isTrue();
                breaker.onError(1, TimeUnit.MILLISECONDS);
            }
            assertThat(breaker.tryAcquirePermission()).isTrue();
            final long tripStart = System.nanoTime();
            breaker.onError(1, TimeUnit.MILLISECONDS);
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
            for (final ChildJvm observer : observers)
            {
                final String line = observer.await("SAW_OPEN", 30_000);
                final long delayNs = Long.parseLong(line.substring("SAW_OPEN ".length())) - tripStart;
                System.out.printf("shared breaker: pid %d saw OPEN %.1f us after the tripping call started%n",
                    observer.process().pid(), delayNs / 1_000.0);
                assertThat(delayNs).isLessThan(TimeUnit.MILLISECONDS.toNanos(SEE_OPEN_BOUND_MS));
            }
        }
        finally
        {
            observers.forEach(ChildJvm::close);
        }
    }

    @Test
    void shouldKeepWorkingWhenAProcessIsKilledInsideAHalfOpenTrialCall() throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(temp.resolve("state")).build();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open("trial", SharedBreakerChild.config(), options);
            ChildJvm child = ChildJvm.start(SharedBreakerChild.class, "trial", options.baseDirectory().toString(),
                "trial"))
        {
            breaker.transitionToOpenState();
            breaker.transitionToHalfOpenState();
            child.send("go");
            assertThat(child.await("IN_CALL", 60_000)).isEqualTo("IN_CALL");
            child.kill9();

            // The dead process holds one of the two trial permits forever; the other trial cannot decide alone.
            assertThat(breaker.tryAcquirePermission()).isTrue();
            breaker.onSuccess(1, TimeUnit.MILLISECONDS);
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.HALF_OPEN);
            // maxWaitDurationInHalfOpenState (300 ms) ends the stuck trial round, then calls decide again.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (breaker.state() != CircuitBreakerState.CLOSED && System.nanoTime() < deadline)
            {
                if (breaker.tryAcquirePermission())
                {
                    breaker.onSuccess(1, TimeUnit.MILLISECONDS);
                }
                Thread.sleep(10);
            }
            assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
        }
    }

    @Test
    void shouldKeepWorkingWhenAProcessIsKilledWhileRecordingCalls() throws Exception
    {
        final SharedStateOptions options = SharedStateOptions.builder().baseDirectory(temp.resolve("state")).build();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open("busy", SharedBreakerChild.config(), options))
        {
            for (int round = 0; round < 3; round++)
            {
                try (ChildJvm child = ChildJvm.start(SharedBreakerChild.class, "hammer",
                    options.baseDirectory().toString(), "busy"))
                {
                    child.await("HAMMERING", 60_000);
                    Thread.sleep(300);
                    child.kill9();
                }
                final CircuitBreakerMetrics metrics = breaker.metrics();
                assertThat(metrics.bufferedCalls()).isBetween(0, 11);
                // A fresh generation counts exactly: trip it with four failures, then recover.
                breaker.reset();
                for (int i = 0; i < 4; i++)
                {
                    assertThat(breaker.tryAcquirePermission()).isTrue();
                    breaker.onError(1, TimeUnit.MILLISECONDS);
                }
                assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
                breaker.transitionToHalfOpenState();
                for (int i = 0; i < 2; i++)
                {
                    assertThat(breaker.tryAcquirePermission()).isTrue();
                    breaker.onSuccess(1, TimeUnit.MILLISECONDS);
                }
                assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
                assertThat(breaker.metrics().bufferedCalls()).isZero();
            }
        }
    }
}
