package io.ipcgateway.examples.gateway.spool;

/**
 * Layout of a spool's cursor file, {@value #FILE_NAME} in the spool's folder: the sequence of the last message the
 * sink confirmed. Two slots are written in turn (slot {@code generation & 1}), each with its own CRC32C, so a write
 * torn by a crash leaves the other slot, one step older, intact; the valid slot with the higher generation wins.
 * Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "IPCSPCUR" (8 bytes)                    |  0
 *  +-------------------------------+-------------------------------+
 *  |        layout version         |          reserved (0)         |  8
 *  +-------------------------------+-------------------------------+
 *  |                    reserved (0) up to byte 31                 | 16
 *  +---------------------------------------------------------------+
 *  | slot 0 (SLOT_LENGTH bytes)                                    | 32
 *  +---------------------------------------------------------------+
 *  | slot 1 (SLOT_LENGTH bytes)                                    | 64
 *  +---------------------------------------------------------------+
 *
 *  Slot
 *  +---------------------------------------------------------------+
 *  |        generation: +1 per write, from 1 (8 bytes)             |  0
 *  +---------------------------------------------------------------+
 *  |        last delivered sequence, 0 when none (8 bytes)         |  8
 *  +-------------------------------+-------------------------------+
 *  |   CRC32C over slot bytes 0..15 |          reserved (0)        | 16
 *  +-------------------------------+-------------------------------+
 *  |                    reserved (0) up to byte 31                 | 24
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SpoolCursorDescriptor
{
    /** The cursor file's name in the spool's folder. */
    public static final String FILE_NAME = "spool.cursor";
    /** "IPCSPCUR" as a little-endian long. */
    public static final long MAGIC = 0x5255435053435049L;
    /** Layout version written and accepted. */
    public static final int LAYOUT_VERSION = 1;
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the layout version. */
    public static final int VERSION_OFFSET = 8;
    /** Bytes of the file header. */
    public static final int HEADER_LENGTH = 32;
    /** Bytes of one slot. */
    public static final int SLOT_LENGTH = 32;
    /** Offset of the generation within a slot. */
    public static final int GENERATION_OFFSET = 0;
    /** Offset of the last delivered sequence within a slot. */
    public static final int SEQUENCE_OFFSET = 8;
    /** Offset of the CRC32C within a slot. */
    public static final int CRC_OFFSET = 16;
    /** Bytes a slot's CRC covers, from its start. */
    public static final int CRC_COVERED_LENGTH = 16;
    /** Bytes of the whole file. */
    public static final int FILE_LENGTH = HEADER_LENGTH + 2 * SLOT_LENGTH;

    private SpoolCursorDescriptor()
    {
    }

    /**
     * Offset of a slot in the file.
     *
     * @param generation the generation written (or read) there.
     * @return the slot's offset.
     */
    public static int slotOffset(final long generation)
    {
        return HEADER_LENGTH + (int)(generation & 1) * SLOT_LENGTH;
    }
}
