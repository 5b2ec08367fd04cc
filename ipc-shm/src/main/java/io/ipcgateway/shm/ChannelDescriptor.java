package io.ipcgateway.shm;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.core.IpcCounters;
import io.ipcgateway.shm.notify.Notifiers;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Layout of every channel file of the shared-memory transport: a header of {@link #HEADER_LENGTH} bytes followed by
 * an Agrona ring (data capacity, then the ring's trailer). Only this class knows the offsets.
 * <p>
 * File types: {@link #TYPE_SERVER} (the service's inbox in Agrona's {@code ManyToOneRingBuffer} layout, written by
 * every client), {@link #TYPE_CLIENT} (one client's inbox in Agrona's {@code OneToOneRingBuffer} layout, written by
 * the server) and {@link #TYPE_BROADCAST} (a broadcast buffer, {@code BroadcastTransmitter} to any number of
 * receivers). Ring records carry a lap tag in their type field, see {@link FrameDescriptor}.
 * All numbers are little-endian (native on x86-64 and aarch64).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "IPCGWSHM" (written last)             | 0
 *  +---------------------------------------------------------------+
 *  |                 Layout Version                                | 8
 *  +---------------------------------------------------------------+
 *  |                 File Type (1 server, 2 client, 3 broadcast)   | 12
 *  +---------------------------------------------------------------+
 *  |                 Owner PID                                     | 16
 *  |                 (8 bytes)                                     |
 *  +---------------------------------------------------------------+
 *  |                 Owner Start Time (clock ticks since boot,     | 24
 *  |                 field 22 of /proc/PID/stat; defeats pid reuse)|
 *  +---------------------------------------------------------------+
 *  |                 Heartbeat (System.nanoTime = CLOCK_MONOTONIC, | 32
 *  |                 shared by all processes of one boot)          |
 *  +---------------------------------------------------------------+
 *  |                 Ring Capacity (data bytes, power of two)      | 40
 *  +---------------------------------------------------------------+
 *  |                 Ring Trailer Length                           | 44
 *  +---------------------------------------------------------------+
 *  |                 Max Message Length (after reassembly)         | 48
 *  +---------------------------------------------------------------+
 *  |                 Consumer Idle Mode (IdleMode ordinal)         | 52
 *  +---------------------------------------------------------------+
 *  |                 Owner UID (-1 when unknown)                   | 56
 *  +---------------------------------------------------------------+
 *  |                 Closed flag (1 once the owner closed cleanly) | 60
 *  +---------------------------------------------------------------+
 *  |                 Ring Flags (bit 0: records carry a checksum)  | 64
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to 120                            | 68
 *  +---------------------------------------------------------------+
 *  |                 Owner PID Namespace (inode of /proc/self/ns/pid,| 120
 *  |                 0 when unknown; pids of other namespaces are  |
 *  |                 not checked, only the heartbeat speaks)       |
 *  +---------------------------------------------------------------+
 *  |                 Notifier area (64 bytes, see Notifiers)       | 128
 *  +---------------------------------------------------------------+
 *  |                 Waiting Requesters (int; server file: threads | 192
 *  |                 of all clients waiting for a response; client |
 *  |                 file: that client's share of it, see WaitGate)|
 *  +---------------------------------------------------------------+
 *  |                 Parked Requesters (int; of the waiting ones,  | 196
 *  |                 those asleep; same server/client split)       |
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to 256 (keeps the words on a      | 200
 *  |                 cache line of their own)                      |
 *  +---------------------------------------------------------------+
 *  |                 Server Wake Sequence (int; server file: the   | 256
 *  |                 futex word its clients sleep on, SharedWake)  |
 *  +---------------------------------------------------------------+
 *  |                 Server Wake Offered (int; 1 when the server   | 260
 *  |                 wakes its clients through the sequence word)  |
 *  +---------------------------------------------------------------+
 *  |                 Server Wake Next Bit (int; clients take their | 264
 *  |                 bit round-robin with an atomic add)           |
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to 320 (a cache line of their own)| 268
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to 2048                           | 320
 *  +---------------------------------------------------------------+
 *  |                 Counter values (2048 bytes, Agrona layout)    | 2048
 *  +---------------------------------------------------------------+
 *  |                 Counter metadata (8192 bytes, Agrona layout)  | 4096
 *  +---------------------------------------------------------------+
 *  |                 Ring data (capacity bytes) + ring trailer     | 12288
 *  +---------------------------------------------------------------+
 * </pre>
 * Counters: the owner allocates every {@link CounterKind} in order with {@link IpcCounters}, so counter id
 * {@code k.ordinal()} holds kind {@code k}; another process (e.g. {@code bin/ipc stat}) reads them with an Agrona
 * {@code CountersReader} over {@code [COUNTERS_METADATA_OFFSET, +COUNTERS_METADATA_LENGTH)} and
 * {@code [COUNTERS_VALUES_OFFSET, +COUNTERS_VALUES_LENGTH)}.
 * <p>
 * Opening a file checks, before anything else is read: file length at least the header, magic, layout version,
 * file type, a power-of-two capacity, the trailer length of the type ({@link #trailerLength(int)}) and file length
 * equal to header + capacity + trailer.
 */
public final class ChannelDescriptor
{
    /** Magic number at offset 0: the ASCII bytes {@code IPCGWSHM} read as a little-endian long. */
    public static final long MAGIC = 0x4D4853_5747_4350_49L;

    /**
     * Version of this layout; bumped on any incompatible change (2: ring records carry a lap tag; 3: the notifier
     * area records the kinds its consumer accepts and producers' requests for the socket, see
     * {@link io.ipcgateway.shm.notify.NotifierDescriptor}; 4: the waiting requesters word at
     * {@link #WAITING_REQUESTERS_OFFSET}).
     */
    public static final int LAYOUT_VERSION = 4;

    /** File type of a service's inbox (many-to-one ring). */
    public static final int TYPE_SERVER = 1;

    /** File type of a client's inbox (one-to-one ring). */
    public static final int TYPE_CLIENT = 2;

    /** File type of a broadcast channel (broadcast buffer). */
    public static final int TYPE_BROADCAST = 3;

    /** Offset of the magic number (long). */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the layout version (int). */
    public static final int VERSION_OFFSET = 8;

    /** Offset of the file type (int). */
    public static final int FILE_TYPE_OFFSET = 12;

    /** Offset of the owner's process id (long). */
    public static final int OWNER_PID_OFFSET = 16;

    /** Offset of the owner's start time in clock ticks since boot (long). */
    public static final int OWNER_START_TIME_OFFSET = 24;

    /** Offset of the owner's heartbeat, {@code System.nanoTime()} (CLOCK_MONOTONIC on Linux) (long). */
    public static final int HEARTBEAT_OFFSET = 32;

    /** Offset of the ring's data capacity in bytes (int). */
    public static final int RING_CAPACITY_OFFSET = 40;

    /** Offset of the ring's trailer length in bytes (int). */
    public static final int RING_TRAILER_LENGTH_OFFSET = 44;

    /** Offset of the largest message the consumer accepts after reassembly (int). */
    public static final int MAX_MESSAGE_LENGTH_OFFSET = 48;

    /** Offset of the consumer's idle mode, an {@code IdleMode} ordinal: producers signal only a BLOCK consumer. */
    public static final int CONSUMER_IDLE_MODE_OFFSET = 52;

    /** Offset of the owner's uid, -1 when unknown (int). */
    public static final int OWNER_UID_OFFSET = 56;

    /** Offset of the closed flag, 1 once the owner closed the channel (int). */
    public static final int CLOSED_OFFSET = 60;

    /** Offset of the ring flags (int): {@link #RING_FLAG_RECORD_CHECKSUMS}; other bits are refused on open. */
    public static final int RING_FLAGS_OFFSET = 64;

    /** Ring flag: every record carries a checksum after its frame ({@link RecordChecksum}). */
    public static final int RING_FLAG_RECORD_CHECKSUMS = 1;

    /** Every ring flag this version knows. */
    public static final int RING_FLAGS_KNOWN = RING_FLAG_RECORD_CHECKSUMS;

    /**
     * Offset of the owner's pid namespace, the inode number of {@code /proc/self/ns/pid}, 0 when unknown (long): a pid
     * means something only to a process of the same namespace (containers have their own).
     */
    public static final int OWNER_PID_NAMESPACE_OFFSET = 120;

    /** Offset of the notifier area ({@link Notifiers#AREA_LENGTH} bytes, 64-byte aligned). */
    public static final int NOTIFIER_OFFSET = 128;

    /**
     * Offset of the waiting requesters word (int, on a cache line of its own up to 256): in the server file, how many
     * threads of all the service's clients wait for a response now; in a client file, that client's share of the
     * server file's word, which the server takes back when the client dies. A requester spins only while fewer
     * threads wait than there are cores to run them ({@link WaitGate}).
     */
    public static final int WAITING_REQUESTERS_OFFSET = 192;

    /**
     * Offset of the parked requesters word (int, beside {@link #WAITING_REQUESTERS_OFFSET}): of the waiting
     * requesters, how many sleep now (on their inbox notifier, or parked behind the thread polling for them); the
     * rest spin or yield. Kept like the waiting word, for {@code bin/ipc stat}. The word was reserved (zero) before,
     * so the layout version is unchanged: a client built before it counts its waiters but not their sleeps.
     */
    public static final int PARKED_REQUESTERS_OFFSET = 196;

    /**
     * Offset of the server wake sequence (int, on a cache line of its own up to 320; server file only): the futex word
     * on which the service's clients sleep for a response with {@code FUTEX_WAIT_BITSET} and a bit of their session,
     * so the server wakes every client it answered in a duty-cycle pass with one {@code FUTEX_WAKE_BITSET}
     * ({@link io.ipcgateway.shm.notify.SharedWake}). The word was reserved (zero) before, so the layout version is
     * unchanged: a server built before it never offers it, and a client built before it never joins it.
     */
    public static final int SERVER_WAKE_SEQUENCE_OFFSET = 256;

    /**
     * Offset of the server wake offered word (int, beside {@link #SERVER_WAKE_SEQUENCE_OFFSET}): 1 when the server
     * wakes the clients that sleep on the sequence word through it (it can call the futex, and the setting
     * {@code ipc.shm.wake.batch} is not {@code per-client}), 0 otherwise.
     */
    public static final int SERVER_WAKE_OFFERED_OFFSET =
        SERVER_WAKE_SEQUENCE_OFFSET + io.ipcgateway.shm.notify.SharedWake.OFFERED_DELTA;

    /**
     * Offset of the server wake next-bit counter (int, beside {@link #SERVER_WAKE_OFFERED_OFFSET}): a client joining
     * the shared wake word takes bit {@code counter & 31} with an atomic add, so up to 32 clients never share one.
     */
    public static final int SERVER_WAKE_NEXT_BIT_OFFSET =
        SERVER_WAKE_SEQUENCE_OFFSET + io.ipcgateway.shm.notify.SharedWake.NEXT_BIT_DELTA;

    /** Offset of the counter values. */
    public static final int COUNTERS_VALUES_OFFSET = 2048;

    /** Length of the counter values area. */
    public static final int COUNTERS_VALUES_LENGTH = 2048;

    /** Offset of the counter metadata. */
    public static final int COUNTERS_METADATA_OFFSET = 4096;

    /** Length of the counter metadata area. */
    public static final int COUNTERS_METADATA_LENGTH = 8192;

    /** Length of the header; the ring starts here (page aligned). */
    public static final int HEADER_LENGTH = 12288;

    static
    {
        if (IpcCounters.valuesLength() > COUNTERS_VALUES_LENGTH ||
            IpcCounters.metaDataLength() > COUNTERS_METADATA_LENGTH ||
            NOTIFIER_OFFSET + Notifiers.AREA_LENGTH > COUNTERS_VALUES_OFFSET)
        {
            throw new IllegalStateException("channel header too small for " + CounterKind.values().length
                + " counters or the notifier area: bump LAYOUT_VERSION and grow the header");
        }
    }

    private ChannelDescriptor()
    {
    }

    /**
     * Length of a channel file.
     *
     * @param ringCapacity  data capacity of the ring.
     * @param trailerLength length of the ring's trailer.
     * @return header + capacity + trailer, in bytes.
     */
    public static long fileLength(final int ringCapacity, final int trailerLength)
    {
        return (long)HEADER_LENGTH + ringCapacity + trailerLength;
    }

    /**
     * Length of the ring trailer of a file type: Agrona's ring buffer trailer for the server and client inboxes, its
     * broadcast buffer trailer for broadcast channels.
     *
     * @param fileType a file type code.
     * @return bytes, or -1 for an unknown type.
     */
    public static int trailerLength(final int fileType)
    {
        switch (fileType)
        {
            case TYPE_SERVER:
            case TYPE_CLIENT:
                return RingBufferDescriptor.TRAILER_LENGTH;
            case TYPE_BROADCAST:
                return BroadcastBufferDescriptor.TRAILER_LENGTH;
            default:
                return -1;
        }
    }

    /**
     * Name of a file type, for messages.
     *
     * @param fileType a file type code.
     * @return {@code "server"}, {@code "client"}, {@code "broadcast"} or {@code "unknown(N)"}.
     */
    public static String typeName(final int fileType)
    {
        switch (fileType)
        {
            case TYPE_SERVER:
                return "server";
            case TYPE_CLIENT:
                return "client";
            case TYPE_BROADCAST:
                return "broadcast";
            default:
                return "unknown(" + fileType + ")";
        }
    }
}
