package io.ipcgateway.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.core.IdleMode;
import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client JVM of a real second, unprivileged user ({@code nobody}, started with {@code setpriv}) against a server
 * of this user: refused without group mode (it cannot even open the files), admitted with group mode when it is in
 * the group, and refused by the server's uid allow-list even then. The same for a broadcast subscriber of that user
 * against a publisher of this one (broadcast has no allow-list). Needs root (to switch user and to create the
 * test group {@value #GROUP} with {@code nobody} in it); skipped otherwise.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecondUserIT
{
    private static final String GROUP = "ipcgw-test";
    private static final String OTHER_USER = "nobody";
    private static final int OTHER_UID = 65534;
    private static final int EXCHANGES = 1000;

    private static Path classPathCopy;
    private static String classPath;
    private static boolean createdGroup;

    private Path base;

    @BeforeAll
    static void prepareSecondUser() throws Exception
    {
        RequiredEnvironment.require(FileAccessTest.isRoot(), "runs a JVM as another user: needs root");
        RequiredEnvironment.require(Files.isExecutable(Paths.get("/usr/bin/setpriv")),
            "needs setpriv (util-linux)");
        RequiredEnvironment.require(SecurityProcesses.run(List.of("id", "-u", OTHER_USER), 30).output().trim()
            .equals(Integer.toString(OTHER_UID)), "needs user nobody (uid 65534)");
        if (SecurityProcesses.run(List.of("getent", "group", GROUP), 30).exitCode() != 0)
        {
            final SecurityProcesses.Result added = SecurityProcesses.run(List.of("groupadd", GROUP), 30);
            RequiredEnvironment.require(added.exitCode() == 0,
                "cannot create group " + GROUP + ": " + added.output());
            createdGroup = true;
        }
        final SecurityProcesses.Result member =
            SecurityProcesses.run(List.of("usermod", "-aG", GROUP, OTHER_USER), 30);
        RequiredEnvironment.require(member.exitCode() == 0,
            "cannot add nobody to " + GROUP + ": " + member.output());

        classPathCopy = Files.createTempDirectory("ipcgw-cp-");
        Files.setPosixFilePermissions(classPathCopy, java.nio.file.attribute.PosixFilePermissions.fromString(
            "rwxr-xr-x"));
        classPath = SecurityProcesses.worldReadableClassPath(classPathCopy);
    }

    @AfterAll
    static void removeSecondUserSetup() throws Exception
    {
        SecurityProcesses.deleteTree(classPathCopy);
        if (createdGroup)
        {
            SecurityProcesses.run(List.of("groupdel", GROUP), 30);
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void createBase()
    {
        // Under /dev/shm, not a JUnit folder: those are owner-only, which nobody could not enter.
        base = Paths.get("/dev/shm", "ipcgw-second-user-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    }

    @org.junit.jupiter.api.AfterEach
    void deleteBase()
    {
        SecurityProcesses.deleteTree(base);
    }

    @Test
    void shouldRefuseAnotherUserWithoutGroupMode() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("private").baseDirectory(base)
            .idleMode(IdleMode.BLOCK).errorHandler(ex -> { }), handler))
        {
            final SecurityProcesses.Result result = runAsOtherUser("private", List.of());
            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.output())
                .contains("REFUSED")
                .contains("permission denied for uid=" + OTHER_UID)
                .contains(ShmConfiguration.GROUP_PROP_NAME);
            assertThat(handler.connects.get()).isZero();
            assertThat(server.sessionCount()).isZero();
        }
        assertThat(listFiles(base)).as("nothing left after a clean shutdown").isEmpty();
    }

    @Test
    void shouldAdmitAnotherUserInGroupModeAndExchangeMessages() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("shared").baseDirectory(base)
            .fileGroup(GROUP).idleMode(IdleMode.BLOCK), handler))
        {
            final SecurityProcesses.Result result =
                runAsOtherUser("shared", List.of("-D" + ShmConfiguration.GROUP_PROP_NAME + "=" + GROUP));
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("OK uid=" + OTHER_UID);
            assertThat(handler.lastSession.uid()).isEqualTo(OTHER_UID);
            assertThat(result.output()).contains("pid=" + handler.lastSession.pid());
            assertThat(handler.requests.get()).isEqualTo(EXCHANGES);
            ShmClientServerTest.awaitValue(handler.messages, EXCHANGES);
            assertThat(handler.outOfOrder.get()).isZero();
            ShmClientServerTest.awaitValue(handler.disconnects, 1);
            ShmClientServerTest.awaitTrue(() -> server.sessionCount() == 0);
        }
        assertThat(listFiles(base)).as("nothing left after a clean shutdown of both users' processes").isEmpty();
    }

    @Test
    void shouldRefuseUidNotOnAllowListInGroupModeNamingUidAndService() throws Exception
    {
        final EchoHandler handler = new EchoHandler();
        try (ShmServer server = ShmServer.launch(new ServerContext().serviceName("guarded").baseDirectory(base)
            .fileGroup(GROUP).allowedUids(ProcessInfo.currentUid()).idleMode(IdleMode.BLOCK).errorHandler(ex -> { }),
            handler))
        {
            final SecurityProcesses.Result result =
                runAsOtherUser("guarded", List.of("-D" + ShmConfiguration.GROUP_PROP_NAME + "=" + GROUP));
            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.output())
                .contains("connect rejected by service=guarded")
                .contains("uid=" + OTHER_UID + " is not allowed to connect to service=guarded");
            assertThat(handler.connects.get()).isZero();
            assertThat(server.sessionCount()).isZero();
        }
        assertThat(listFiles(base)).as("the refused client's file is removed too").isEmpty();
    }

    @Test
    void shouldRefuseAnotherUsersBroadcastSubscriberWithoutGroupMode() throws Exception
    {
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(new BroadcastContext().name("ticks")
            .baseDirectory(base).fileGroup(null)))
        {
            final SecurityProcesses.Result result =
                SecurityProcesses.run(otherUserCommand(BroadcastSubscriberMain.class, List.of(), "ticks"), 120);
            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.output())
                .contains("REFUSED")
                .contains("permission denied for uid=" + OTHER_UID)
                .contains(ShmConfiguration.GROUP_PROP_NAME);
            assertThat(publisher.published()).isZero();
        }
        assertThat(listFiles(base)).as("nothing left after the publisher closed").isEmpty();
    }

    @Test
    void shouldAdmitAnotherUsersBroadcastSubscriberInGroupModeAndDeliverEveryMessage() throws Exception
    {
        try (ShmBroadcastPublisher publisher = ShmBroadcastPublisher.create(new BroadcastContext().name("ticks")
            .baseDirectory(base).fileGroup(GROUP)))
        {
            final Process subscriber = new ProcessBuilder(otherUserCommand(BroadcastSubscriberMain.class,
                List.of("-D" + ShmConfiguration.GROUP_PROP_NAME + "=" + GROUP), "ticks")).redirectErrorStream(true)
                .start();
            try
            {
                final StringBuilder log = new StringBuilder();
                assertThat(TestProcesses.awaitLine(subscriber, "OPENED", log, 60_000)).as(log.toString()).isNotNull();
                final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);
                for (long i = 1; i <= EXCHANGES; i++)
                {
                    message.putLong(0, i);
                    assertThat(publisher.offer(3, message, 0, 8)).isEqualTo(OfferResult.OK);
                }
                final String done = TestProcesses.awaitLine(subscriber, "OK", log, 60_000);
                assertThat(done).as(log.toString()).isEqualTo("OK received=" + EXCHANGES + " uid=" + OTHER_UID);
                assertThat(subscriber.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(subscriber.exitValue()).as(log.toString()).isZero();
            }
            finally
            {
                TestProcesses.destroy(subscriber);
            }
        }
        assertThat(listFiles(base)).as("nothing left after the publisher closed").isEmpty();
    }

    private List<String> otherUserCommand(final Class<?> mainClass, final List<String> properties, final String name)
    {
        final List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + OTHER_USER,
            "--regid=nogroup", "--init-groups"));
        command.addAll(SecurityProcesses.javaCommand(classPath, mainClass, properties, base.toString(), name,
            Integer.toString(EXCHANGES)));
        return command;
    }

    private SecurityProcesses.Result runAsOtherUser(final String service, final List<String> properties)
        throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + OTHER_USER,
            "--regid=nogroup", "--init-groups"));
        command.addAll(SecurityProcesses.javaCommand(classPath, SecurityProcesses.ClientMain.class, properties,
            base.toString(), service, Integer.toString(EXCHANGES)));
        return SecurityProcesses.run(command, 120);
    }

    private static List<Path> listFiles(final Path root) throws Exception
    {
        if (!Files.exists(root))
        {
            return List.of();
        }
        try (Stream<Path> tree = Files.walk(root))
        {
            return tree.filter(path -> !path.equals(root)).toList();
        }
    }

    /**
     * A broadcast subscriber JVM: {@code baseDir name count}. Opens the channel and prints {@code OPENED}, reads
     * {@code count} messages (payload 1, 2, 3... in order), prints {@code OK received=N uid=U} and exits 0; prints
     * {@code REFUSED <error>} and exits 2 when it cannot open the channel, {@code FAIL ...} and exits 1 otherwise.
     */
    static final class BroadcastSubscriberMain
    {
        private BroadcastSubscriberMain()
        {
        }

        public static void main(final String[] args) throws Exception
        {
            final int count = Integer.parseInt(args[2]);
            final ShmBroadcastSubscriber subscriber;
            try
            {
                subscriber = ShmBroadcastSubscriber.open(new BroadcastContext().baseDirectory(Paths.get(args[0]))
                    .name(args[1]));
            }
            catch (final RuntimeException ex)
            {
                System.out.println("REFUSED " + ex);
                System.exit(2);
                return;
            }
            System.out.println("OPENED");
            System.out.flush();
            final long[] expected = {1};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try (subscriber)
            {
                while (expected[0] <= count && System.nanoTime() < deadline)
                {
                    subscriber.poll((typeId, buffer, offset, length) ->
                    {
                        if (buffer.getLong(offset) != expected[0]++)
                        {
                            System.out.println("FAIL message " + (expected[0] - 1) + " out of order");
                            System.exit(1);
                        }
                    }, 100);
                    Thread.onSpinWait();
                }
            }
            if (expected[0] <= count)
            {
                System.out.println("FAIL received " + (expected[0] - 1) + " of " + count + " within 60 s");
                System.exit(1);
            }
            System.out.println("OK received=" + count + " uid=" + ProcessInfo.currentUid());
            System.exit(0);
        }
    }
}
