package io.ipcgateway.examples.audit;

import java.nio.file.Files;
import java.nio.file.Path;

import io.ipcgateway.audit.AuditLogConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What every audit command names: the log's folder, its name and whether to print JSON.
 */
final class LogOptions
{
    @Parameters(index = "0", paramLabel = "DIR", description = "the audit log's folder")
    private Path dir;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = AuditLogConfig.DEFAULT_NAME,
        description = "the log's name: its segments are NAME-<first sequence>.log (default: ${DEFAULT-VALUE})")
    private String name;

    @Option(names = "--json", description = "print JSON (one object per record for dump and tail)")
    private boolean json;

    Path dir()
    {
        if (!Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("no audit log folder at " + dir);
        }
        return dir;
    }

    String name()
    {
        return name;
    }

    boolean json()
    {
        return json;
    }
}
