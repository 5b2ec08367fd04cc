package io.ipcgateway.shm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.core.OfferResult;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Helpers of the security and storage tests: child JVM command lines (run through a shell, or as another user),
 * running a command to its end with a hard timeout, and the client program those JVMs run.
 */
final class SecurityProcesses
{
    private SecurityProcesses()
    {
    }

    /**
     * The command line of a child JVM running {@code mainClass} with the transport's JVM flags.
     */
    static List<String> javaCommand(
        final String classPath, final Class<?> mainClass, final List<String> jvmProperties, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx128m");
        command.add("-XX:-UsePerfData");
        command.addAll(jvmProperties);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The words of a command joined for {@code sh -c}, each single-quoted.
     */
    static String shellLine(final List<String> command)
    {
        final StringBuilder line = new StringBuilder();
        for (final String word : command)
        {
            line.append(line.length() == 0 ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }

    /** Output and exit code of a finished command. */
    record Result(int exitCode, String output)
    {
    }

    /**
     * Runs a command to its end (killed after the timeout, which fails the caller's assertion on the exit code).
     */
    static Result run(final List<String> command, final long timeoutSeconds) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final StringBuilder output = new StringBuilder();
            final Thread pump = new Thread(() ->
            {
                try
                {
                    output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                catch (final IOException ignore)
                {
                    // Killed: what was read is kept.
                }
            });
            pump.setDaemon(true);
            pump.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                pump.join(5_000);
                return new Result(-1, "TIMED OUT after " + timeoutSeconds + " s: " + command + "\n" + output);
            }
            pump.join(10_000);
            return new Result(process.exitValue(), output.toString());
        }
        finally
        {
            TestProcesses.destroy(process);
        }
    }

    /**
     * Copies the test class path into a world-readable folder, so a JVM of another user can load it (the local
     * Maven repository under /root is not readable by others). Returns the new class path.
     */
    static String worldReadableClassPath(final Path target) throws IOException
    {
        final List<String> entries = new ArrayList<>();
        int index = 0;
        for (final String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        {
            final Path source = Paths.get(entry);
            if (!Files.exists(source))
            {
                continue;
            }
            final Path copy = target.resolve(index++ + "-" + source.getFileName());
            if (Files.isDirectory(source))
            {
                try (Stream<Path> tree = Files.walk(source))
                {
                    for (final Path path : (Iterable<Path>)tree::iterator)
                    {
                        final Path destination = copy.resolve(source.relativize(path).toString());
                        if (Files.isDirectory(path))
                        {
                            Files.createDirectories(destination);
                        }
                        else
                        {
                            Files.copy(path, destination);
                        }
                    }
                }
            }
            else
            {
                Files.copy(source, copy);
            }
            entries.add(copy.toString());
        }
        try (Stream<Path> tree = Files.walk(target))
        {
            for (final Path path : (Iterable<Path>)tree::iterator)
            {
                Files.setPosixFilePermissions(path,
                    PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * A group this process may give its files (root: any group; others: one of their supplementary groups) that is
     * neither its primary group nor the group of {@code folder}: a test of group mode then sees whether the group was
     * set, not inherited from the folder or the creating process. Without one the test is skipped, or fails under
     * {@value RequiredEnvironment#REQUIRE_ROOT_PROP_NAME}.
     */
    static String otherGroup(final Path folder) throws Exception
    {
        final String primary = run(List.of("id", "-gn"), 30).output().trim();
        final String folderGroup = Files.readAttributes(folder, PosixFileAttributes.class).group().getName();
        final List<String> candidates = new ArrayList<>(List.of(run(List.of("id", "-Gn"), 30).output().trim()
            .split("\\s+")));
        if (FileAccessTest.isRoot())
        {
            candidates.addAll(List.of("nogroup", "daemon"));
        }
        for (final String candidate : candidates)
        {
            if (!candidate.isEmpty() && !candidate.equals(primary) && !candidate.equals(folderGroup) &&
                run(List.of("getent", "group", candidate), 30).exitCode() == 0)
            {
                return candidate;
            }
        }
        RequiredEnvironment.require(false, "needs a group other than its primary one (" + primary + ") and the"
            + " folder's (" + folderGroup + ") to give files: root, or a supplementary group");
        throw new AssertionError("not reached");
    }

    /**
     * Deletes a folder tree, best effort (for test clean-up).
     */
    static void deleteTree(final Path root)
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try (Stream<Path> tree = Files.walk(root))
        {
            tree.sorted(Comparator.reverseOrder()).forEach(ChannelFile::deleteQuietly);
        }
        catch (final IOException ignore)
        {
            // Best effort.
        }
    }

    /**
     * A client JVM: {@code baseDir service requests}. Connects, makes the requests (each echo checked), sends as
     * many one-way messages, closes and prints {@code OK uid=...} (exit 0); prints {@code REFUSED <error>} and
     * exits 2 when it cannot connect, {@code FAIL ...} and exits 1 when an exchange goes wrong.
     */
    static final class ClientMain
    {
        private ClientMain()
        {
        }

        public static void main(final String[] args)
        {
            final int count = Integer.parseInt(args[2]);
            final ShmClient client;
            try
            {
                client = ShmClient.connect(new ClientContext().baseDirectory(Paths.get(args[0])).serviceName(args[1])
                    .connectTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
            }
            catch (final RuntimeException ex)
            {
                System.out.println("REFUSED " + ex);
                System.exit(2);
                return;
            }
            try (client)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
                final long[] echoed = new long[1];
                for (int i = 0; i < count; i++)
                {
                    buffer.putLong(0, i);
                    final long result = client.request(1, buffer, 0, 8, (t, b, o, l) -> echoed[0] = b.getLong(o),
                        TimeUnit.SECONDS.toNanos(30));
                    if (result != OfferResult.OK || echoed[0] != i)
                    {
                        System.out.println("FAIL request " + i + ": " + OfferResult.describe(result));
                        System.exit(1);
                    }
                }
                for (int i = 1; i <= count; i++)
                {
                    buffer.putLong(0, i);
                    while (client.offer(2, buffer, 0, 8) == OfferResult.BACK_PRESSURED)
                    {
                        Thread.onSpinWait();
                    }
                }
                System.out.println("OK uid=" + ProcessInfo.currentUid() + " pid=" + ProcessHandle.current().pid());
            }
            System.exit(0);
        }
    }
}
