package io.ipcgateway.shm;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.ipcgateway.core.OfferResult;

/**
 * The connection state of one {@link ShmClient}: where it is in its life cycle, the session id the server
 * assigned, and why the server refused it. Shared by the facade, the handshake, the receive loop and the
 * requesters.
 */
final class ClientState
{
    static final int CONNECTING = 0;
    static final int CONNECTED = 1;
    static final int SERVER_CLOSED = 2;
    static final int REJECTED = 3;
    static final int CLOSED = 4;
    static final int SERVER_DEAD = 5;

    // Every change of state is a compare-and-set from the state it leaves, so close() runs once and a late
    // peer-dead verdict cannot turn a closed client back into a dead-server one.
    private static final AtomicIntegerFieldUpdater<ClientState> STATE =
        AtomicIntegerFieldUpdater.newUpdater(ClientState.class, "state");

    volatile int state = CONNECTING;
    volatile int sessionId;
    volatile boolean retired;
    String rejectReason;

    boolean compareAndSet(final int expected, final int update)
    {
        return STATE.compareAndSet(this, expected, update);
    }

    static String describe(final int state)
    {
        switch (state)
        {
            case CONNECTING:
                return "connecting";
            case CONNECTED:
                return "connected";
            case SERVER_CLOSED:
                return "service closed";
            case REJECTED:
                return "rejected";
            case CLOSED:
                return "closed";
            case SERVER_DEAD:
                return "service dead";
            default:
                return "state " + state;
        }
    }

    static long notConnectedCode(final int state)
    {
        if (state == CLOSED)
        {
            return OfferResult.CLOSED;
        }
        return state == SERVER_DEAD ? OfferResult.PEER_DEAD : OfferResult.NOT_CONNECTED;
    }
}
