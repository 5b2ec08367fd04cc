package io.ipcgateway.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChildClassPathTest
{
    private static final String CHRONICLE_CLASS = "net.openhft.chronicle.queue.ChronicleQueue";
    private static final String OUR_CLASS = "io.ipcgateway.shm.ShmServer";
    private static final String OUR_CHRONICLE_TRANSPORT = "io.ipcgateway.bench.chronicle.ChronicleTransport";

    @Test
    void shouldLeaveEveryJarWithChronicleClassesOffTheClassPathOfTheOtherTransports()
    {
        final List<String> all = ChildClassPath.entries(System.getProperty("java.class.path"));
        final List<String> chronicleJars = all.stream().filter(ChildClassPath::holdsChronicle).toList();

        final List<String> forSockets = ChildClassPath.entries(ChildClassPath.of("uds"));

        assertThat(chronicleJars).as("this test's class path holds Chronicle").isNotEmpty()
            .anySatisfy(jar -> assertThat(new File(jar).getName()).startsWith("chronicle-queue"));
        assertThat(forSockets).doesNotContainAnyElementsOf(chronicleJars)
            .containsAll(all.stream().filter(entry -> !chronicleJars.contains(entry)).toList());
        assertThat(ChildClassPath.jvmFlags("ipc")).isEmpty();
    }

    @Test
    void shouldGiveChronicleRunsItsJarsAndItsJvmFlags()
    {
        assertThat(ChildClassPath.of("chronicle")).isEqualTo(System.getProperty("java.class.path"));
        assertThat(ChildClassPath.jvmFlags("chronicle"))
            .contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldMakeChronicleUnloadableInTheJvmOfAnotherTransport() throws Exception
    {
        final String withoutChronicle = probe(ChildClassPath.of("ipc"));
        final String withChronicle = probe(ChildClassPath.of("chronicle"));

        assertThat(withoutChronicle).contains(CHRONICLE_CLASS + " missing").contains(OUR_CLASS + " loaded");
        assertThat(withChronicle).contains(CHRONICLE_CLASS + " loaded").contains(OUR_CLASS + " loaded")
            .contains(OUR_CHRONICLE_TRANSPORT + " loaded");
    }

    private static String probe(final String classPath) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(ChildProcess.javaBinary()));
        command.addAll(ChildProcess.JVM_FLAGS);
        command.addAll(List.of("-cp", classPath, ClassProbe.class.getName(), CHRONICLE_CLASS, OUR_CLASS,
            OUR_CHRONICLE_TRANSPORT));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
