package io.ipcgateway.bench.transport;

import java.nio.file.Path;

/**
 * What every transport needs to know to set itself up for one run.
 *
 * @param runDir           a private folder (under {@code /dev/shm}) for this run's files; deleted after the run.
 * @param idle             how waiting sides wait.
 * @param maxMessageLength the largest message the run sends, in bytes.
 * @param clients          the number of clients in the run.
 * @param roundTrip        whether clients wait for an answer to every message (ping-pong, request/response), so a
 *                         transport with a request API uses it.
 */
public record TransportConfig(Path runDir, Idle idle, int maxMessageLength, int clients, boolean roundTrip)
{
}
