package io.ipcgateway.shm;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

import io.ipcgateway.core.ChannelFileException;
import io.ipcgateway.core.Durations;
import io.ipcgateway.core.IpcException;
import io.ipcgateway.core.PeerDeadException;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.shm.FrameDescriptor.CONNECT_KIND;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_NAME_LENGTH_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_NAME_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_PID_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_PROTOCOL_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.CONNECT_START_TIME_OFFSET;
import static io.ipcgateway.shm.FrameDescriptor.PROTOCOL_VERSION;

/**
 * How a client connects: waits for a live, trusted server file, sends CONNECT naming its inbox file, then polls
 * the inbox until the server answers CONNECTED or REJECTED (handled by {@link InboxReceiver}) or the connect
 * timeout passes.
 */
final class ClientHandshake
{
    private ClientHandshake()
    {
    }

    static ChannelFile openServerFile(final ClientContext context, final long deadlineNs)
    {
        final Path path = ServiceDirectory.serverFile(context.serviceDirectory());
        while (true)
        {
            try
            {
                final ChannelFile file = ChannelFile.open(path, ChannelDescriptor.TYPE_SERVER);
                try
                {
                    // A server file of a user we do not trust (owner-only mode) or of another group is refused.
                    context.fileAccess().checkExisting(path, "server file");
                }
                catch (final ChannelFileException ex)
                {
                    file.close();
                    throw ex;
                }
                if (!file.isClosedByOwner() &&
                    ProcessInfo.isOwnerAlive(file, System.nanoTime(), context.livenessTimeoutNs()))
                {
                    return file;
                }
                // Read before close: close unmaps the header, and reading it afterwards would crash the JVM.
                final long ownerPid = file.ownerPid();
                file.close();
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new PeerDeadException("service not running: service=" + context.serviceName()
                        + " file=" + path + " ownerPid=" + ownerPid + " (closed or dead): start the server");
                }
            }
            catch (final ChannelFile.NotReadyException ex)
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new ChannelFileException(path, "service not found within "
                        + Durations.describe("connectTimeout", context.connectTimeoutNs()) + ": service="
                        + context.serviceName() + " dir="
                        + context.baseDirectory() + ": start the server, or check the service name and "
                        + ShmConfiguration.BASE_DIR_PROP_NAME + " (" + ex.getMessage() + ")", ex);
                }
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    static void handshake(
        final ClientContext context,
        final ChannelFile serverFile,
        final ChannelFile inboxFile,
        final FrameWriter writer,
        final ClientState connection,
        final PollGuard guard,
        final InboxReceiver receiver,
        final long deadlineNs)
    {
        final String name = inboxFile.path().getFileName().toString();
        final UnsafeBuffer connect = new UnsafeBuffer(new byte[CONNECT_NAME_OFFSET + name.length()]);
        connect.putInt(CONNECT_PROTOCOL_OFFSET, PROTOCOL_VERSION);
        connect.putLong(CONNECT_PID_OFFSET, ProcessInfo.pid());
        connect.putLong(CONNECT_START_TIME_OFFSET, ProcessInfo.startTime());
        connect.putInt(CONNECT_NAME_LENGTH_OFFSET, name.length());
        connect.putStringWithoutLengthAscii(CONNECT_NAME_OFFSET, name);
        while (!writer.sendControl(CONNECT_KIND, connect, 0, connect.capacity()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new PeerDeadException("service does not read its inbox (full): service="
                    + context.serviceName() + " file=" + serverFile.path() + ": is the server stuck?");
            }
            LockSupport.parkNanos(100_000L);
        }
        while (connection.state == ClientState.CONNECTING)
        {
            if (guard.tryEnterPoll())
            {
                try
                {
                    receiver.readInbox();
                }
                finally
                {
                    guard.exitPoll();
                }
            }
            if (connection.state != ClientState.CONNECTING)
            {
                break;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new PeerDeadException("no answer to connect within "
                    + Durations.describe("connectTimeout", context.connectTimeoutNs()) + ": service="
                    + context.serviceName() + " serverPid="
                    + serverFile.ownerPid() + ": is the server running its duty cycle?");
            }
            LockSupport.parkNanos(50_000L);
        }
        if (connection.state == ClientState.REJECTED)
        {
            throw new IpcException("connect rejected by service=" + context.serviceName() + ": "
                + connection.rejectReason);
        }
    }
}
