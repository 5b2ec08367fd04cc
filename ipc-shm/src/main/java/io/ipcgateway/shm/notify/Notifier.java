package io.ipcgateway.shm.notify;

import java.util.function.BooleanSupplier;

/**
 * The wake-up half of the event-count protocol over a waiter word in a mapped header page.
 * <p>
 * A consumer that has nothing to read announces in the waiter word that it is about to sleep, re-checks its ring,
 * and only then blocks; a producer that has committed a record wakes it only when the word is set. The protocol,
 * its proof obligations and the shared-memory layout are described in {@link NotifierDescriptor}.
 * <p>
 * Threading: {@link #signal()} may be called by any number of producer threads and processes at once;
 * {@link #await(BooleanSupplier, long)} by the one consumer thread of the channel.
 */
public interface Notifier extends AutoCloseable
{
    /**
     * Producer side, right after a record is committed: wakes the consumer only if it announced sleep.
     * When nobody sleeps this is a full fence and one plain read: no syscall, no allocation.
     */
    void signal();

    /**
     * Producer side, right after a record was committed with a compare-and-set: {@link #signal()} without its full
     * fence. The compare-and-set is a volatile read-modify-write, and the waiter word is read here with a volatile
     * read, so the two are already ordered against the consumer's volatile announcement and volatile re-check (all
     * four are synchronization actions): a second fence would only add its cost to every send.
     */
    void signalAfterAtomicCommit();

    /**
     * Producer side, at the end of a batch of wake-ups (the server's duty-cycle pass): {@link #signal()}, except that
     * a consumer asleep on the producer's {@link SharedWake} word is not woken here: its bit is returned, for the
     * caller to wake with the others of the batch in one {@link SharedWake#wake(int)}.
     *
     * @return the consumer's bit when the caller must wake it through the shared word, else 0 (woken already, or
     *         nobody slept).
     */
    int signalCollecting();

    /**
     * Consumer side, before its first sleep: sleep on a shared word with {@code bit} from now on (see
     * {@link SharedWake}) when this consumer sleeps on the futex; otherwise (the socket) nothing changes.
     *
     * @param wake the word the producer wakes through.
     * @param bit  this consumer's single bit, from {@link SharedWake#bitOf(int)}.
     * @return {@code true} when the consumer now sleeps on the shared word.
     */
    boolean sleepOn(SharedWake wake, int bit);

    /**
     * Consumer side: announce sleep in the waiter word, then call {@code recheck.getAsBoolean()}; if it finds
     * work, clear the word and return {@code false} at once; otherwise block until signalled or until
     * {@code timeoutNs} has elapsed. A missed wake-up can therefore delay the consumer but never hang it.
     *
     * @param recheck   polls the ring once more after the announcement; {@code true} when work is available.
     * @param timeoutNs upper bound of the sleep in nanoseconds; values below one microsecond are raised to it.
     * @return {@code true} when woken by a signal, {@code false} on timeout or when {@code recheck} found work.
     */
    boolean await(BooleanSupplier recheck, long timeoutNs);

    /**
     * Which primitive this notifier uses to block and to wake.
     *
     * @return {@link NotifierKind#FUTEX} or a fallback kind, never {@link NotifierKind#AUTO}.
     */
    NotifierKind kind();

    /**
     * How many times a consumer of this channel actually blocked (announcements that found work do not count).
     * The counter lives in shared memory, so any process mapping the channel sees it.
     *
     * @return the number of sleeps since the channel file was created.
     */
    long sleeps();

    /**
     * How many wake-ups producers of this channel issued (a syscall or a socket write each).
     * The counter lives in shared memory, so any process mapping the channel sees it.
     *
     * @return the number of wake-ups since the channel file was created.
     */
    long wakeups();

    /**
     * How many consumer sleeps of this channel ended by their timeout rather than a signal.
     *
     * @return the number of timed-out sleeps since the channel file was created.
     */
    long timeouts();

    /**
     * Releases the primitive; the creator of side files (the consumer of a socket notifier) deletes them.
     */
    @Override
    void close();
}
