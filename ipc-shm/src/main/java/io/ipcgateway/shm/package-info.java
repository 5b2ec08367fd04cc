/**
 * The shared-memory transport: named services, clients, broadcast channels, over memory-mapped Agrona rings.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * ShmServer server = ShmServer.launch(new ServerContext().serviceName("echo"), handler);   // or create() + agent()
 * ShmClient client = ShmClient.connect(new ClientContext().serviceName("echo"));
 * client.offer(typeId, buffer, 0, length);                                   // one-way, returns an OfferResult code
 * client.request(typeId, buffer, 0, length, (t, b, o, l) -> ..., timeoutNs);  // blocking, no allocation
 * client.requestAsync(typeId, buffer, 0, length, timeoutNs);                 // CompletableFuture<ShmResponse>
 * client.close();                                                            // clean disconnect, files deleted
 * }</pre>
 *
 * <h2>Files</h2>
 * In {@code baseDirectory/serviceName/} (default base {@code /dev/shm/ipc-gateway-<user>}, folders 0700, files 0600,
 * created with {@code CREATE_NEW}, links refused, every byte reserved at creation):
 * <ul>
 *     <li>{@code server.ipc}: header + the service's inbox, in Agrona's {@code ManyToOneRingBuffer} layout, every
 *     client writes;</li>
 *     <li>{@code client-<pid>-<n>.ipc}: header + one client's inbox, in Agrona's {@code OneToOneRingBuffer}
 *     layout, the server writes (responses, pushes);</li>
 *     <li>{@code broadcast.ipc} (broadcast channels): header + an Agrona broadcast buffer.</li>
 * </ul>
 * Every header (layout in {@link io.ipcgateway.shm.ChannelDescriptor}) holds magic, layout version, file type, owner
 * pid + start time + uid, a heartbeat ({@code System.nanoTime}), capacities, the consumer's idle mode, the 64-byte
 * notifier area and the endpoint's counters. Frames inside the rings are described by
 * {@link io.ipcgateway.shm.FrameDescriptor}; the handshake is CONNECT/CONNECTED control frames.
 *
 * <h2>Who may connect</h2>
 * Modes are set explicitly after creation, whatever the umask. Paths that exist already are checked before they are
 * trusted: a link, or a folder or file of another user, is refused with an error saying what was found. For a
 * service shared by several users, the opt-in group mode ({@code fileGroup("name")} on both contexts, or
 * {@value io.ipcgateway.shm.ShmConfiguration#GROUP_PROP_NAME}) makes folders 0770 and files 0660 with that group.
 * A server may also admit only some uids ({@code ServerContext.allowedUids}, or
 * {@value io.ipcgateway.shm.ShmConfiguration#ALLOWED_UIDS_PROP_NAME}), read from the owner of the client's file;
 * a refused client fails {@code connect} with a reason naming its uid and the service.
 *
 * <h2>Threads and waiting</h2>
 * The server's work is one Agrona {@code Agent}; a client is thread-safe and shared (threads blocked in
 * {@code request} take turns polling its inbox for everyone). In BLOCK mode consumers sleep on the notifier
 * ({@code io.ipcgateway.shm.notify}: futex on JDK 22+ Linux, Unix-socket fallback) and producers signal after each
 * commit only when the consumer announced sleep. Sizing and defaults: {@link io.ipcgateway.shm.ShmConfiguration}.
 */
package io.ipcgateway.shm;
