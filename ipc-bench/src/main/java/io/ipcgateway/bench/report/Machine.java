package io.ipcgateway.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A description of the machine a report was made on, so figures are never read without their context.
 */
public final class Machine
{
    private Machine()
    {
    }

    /**
     * Describe this machine and JVM.
     *
     * @return ordered key/value pairs: time, cpu model, cores, memory, kernel, JVM.
     */
    public static Map<String, Object> describe()
    {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("time_utc", Instant.now().toString());
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("mem_total_kb", memTotalKb());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return machine;
    }

    private static String cpuModel()
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo")))
        {
            return lines.filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown");
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }

    private static long memTotalKb()
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo")))
        {
            return lines.filter(line -> line.startsWith("MemTotal:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElse(-1);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
