/**
 * The vocabulary every IPC Gateway module shares, with no transport in it.
 * <ul>
 *     <li>Receiving: {@link io.ipcgateway.core.MessageHandler} gets {@code (typeId, buffer, offset, length)} views,
 *     valid until it returns.</li>
 *     <li>Sending: hot-path operations return {@link io.ipcgateway.core.OfferResult} codes (non-negative = success;
 *     back-pressured, not connected, closed, too large, timed out, peer dead) instead of throwing;
 *     {@link io.ipcgateway.core.MessageClaim} is the zero-copy window ({@code tryClaim}, write in place,
 *     {@code commit()} or {@code abort()}).</li>
 *     <li>Errors: one hierarchy under {@link io.ipcgateway.core.IpcException} whose messages name the channel, file
 *     or setting as {@code key=value} and say what to do ({@link io.ipcgateway.core.ConfigurationException},
 *     {@link io.ipcgateway.core.ChannelFileException}, {@link io.ipcgateway.core.CorruptionException},
 *     {@link io.ipcgateway.core.StorageException}, {@link io.ipcgateway.core.PeerDeadException},
 *     {@link io.ipcgateway.core.RequestTimeoutException}, {@link io.ipcgateway.core.JvmAccessException}).</li>
 *     <li>Configuration: {@link io.ipcgateway.core.Configuration} parses sizes ({@code 64k}) and durations
 *     ({@code 10ms}); every duration is nanoseconds internally.</li>
 *     <li>Waiting: {@link io.ipcgateway.core.IdleMode} maps to Agrona idle strategies; BLOCK is built by the
 *     transport around its notifier.</li>
 *     <li>Counting: {@link io.ipcgateway.core.IpcCounters} allocates the {@link io.ipcgateway.core.CounterKind}s as
 *     Agrona counters in buffers the transport places in shared memory, so other processes can read them.</li>
 * </ul>
 */
package io.ipcgateway.core;
