package io.ipcgateway.resilience.shared;

/**
 * Layout of a shared state file: a header of {@link #HEADER_LENGTH} bytes, then the state itself (the body, whose
 * layout belongs to its kind, e.g. {@code SharedCircuitBreakerDescriptor}). Only this class knows the header's
 * offsets. All numbers are little-endian (native on x86-64 and aarch64).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Magic "IPCRSLNC" (written after the header) | 0
 *  +---------------------------------------------------------------+
 *  |                 Layout Version                                | 8
 *  +---------------------------------------------------------------+
 *  |                 Kind (SharedStateKind code)                   | 12
 *  +---------------------------------------------------------------+
 *  |                 Header Length                                 | 16
 *  +---------------------------------------------------------------+
 *  |                 Body Length                                   | 20
 *  +---------------------------------------------------------------+
 *  |                 Initialised (0 while the creator writes the   | 24
 *  |                 body, 1 once it is ready: written last)       |
 *  +---------------------------------------------------------------+
 *  |                 Creator UID (-1 when unknown)                 | 28
 *  +---------------------------------------------------------------+
 *  |                 Creator PID                                   | 32
 *  |                 (8 bytes)                                     |
 *  +---------------------------------------------------------------+
 *  |                 Creation Time (epoch milliseconds, wall clock:| 40
 *  |                 for people reading it, never compared)        |
 *  +---------------------------------------------------------------+
 *  |                 Fingerprint (hash of the settings that shape  | 48
 *  |                 the body, so two processes configured         |
 *  |                 differently cannot share one file)            |
 *  +---------------------------------------------------------------+
 *  |                 Reserved up to 128                            | 56
 *  +---------------------------------------------------------------+
 *  |                 Body (Body Length bytes, starts 64-aligned)   | 128
 *  +---------------------------------------------------------------+
 * </pre>
 * Opening a file checks, before the body is touched: magic, layout version, kind, header length, body length,
 * fingerprint and file length equal to header + body.
 */
public final class SharedStateDescriptor
{
    /** Magic number at offset 0: the ASCII bytes {@code IPCRSLNC} read as a little-endian long. */
    public static final long MAGIC = 0x434E_4C53_5243_5049L;

    /**
     * Layout version: bump on any change to the header or to a kind's body layout. 2: a breaker's body ends with
     * its striped call totals. 3: a breaker's body holds its minimum number of calls and thresholds (for observers),
     * and its rejections are counted in the stripes.
     */
    public static final int LAYOUT_VERSION = 3;

    /** Offset of the magic number (long). */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the layout version (int). */
    public static final int VERSION_OFFSET = 8;

    /** Offset of the kind code (int). */
    public static final int KIND_OFFSET = 12;

    /** Offset of the header length (int). */
    public static final int HEADER_LENGTH_OFFSET = 16;

    /** Offset of the body length (int). */
    public static final int BODY_LENGTH_OFFSET = 20;

    /** Offset of the initialised flag (int): {@link #INITIALISED} once the body is ready. */
    public static final int INITIALISED_OFFSET = 24;

    /** Offset of the creator's uid (int). */
    public static final int CREATOR_UID_OFFSET = 28;

    /** Offset of the creator's pid (long). */
    public static final int CREATOR_PID_OFFSET = 32;

    /** Offset of the creation time, epoch milliseconds (long). */
    public static final int CREATION_TIME_OFFSET = 40;

    /** Offset of the settings fingerprint (long). */
    public static final int FINGERPRINT_OFFSET = 48;

    /** Length of the header; the body starts here. */
    public static final int HEADER_LENGTH = 128;

    /** Value of the initialised flag once the creator has written the body. */
    public static final int INITIALISED = 1;

    /** Largest body a shared state file may have (these files are small by design). */
    public static final int MAX_BODY_LENGTH = 64 * 1024 * 1024;

    private SharedStateDescriptor()
    {
    }

    /**
     * Length of a file with a body of the given length.
     *
     * @param bodyLength the body length in bytes.
     * @return the file length in bytes.
     */
    public static long fileLength(final int bodyLength)
    {
        return (long)HEADER_LENGTH + bodyLength;
    }
}
