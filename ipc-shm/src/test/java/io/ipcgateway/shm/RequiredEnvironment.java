package io.ipcgateway.shm;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Assumptions about the machine (root, mount rights, a second user) that a test cannot do without. By default an
 * unmet one skips the test with its reason; with {@value #REQUIRE_ROOT_PROP_NAME}{@code =true} (set by {@code .ci/run},
 * which runs as root, through the Maven property of the same name) it fails it instead, so CI cannot stay green
 * while a root-only guarantee went unproved.
 */
final class RequiredEnvironment
{
    /**
     * The system property (and Maven property) that turns skips into failures.
     */
    static final String REQUIRE_ROOT_PROP_NAME = "ipc.test.requireRoot";

    private RequiredEnvironment()
    {
    }

    /**
     * Skips the test (or fails it when root is required) unless {@code condition} holds.
     *
     * @param condition what the test needs.
     * @param reason    why the test cannot run without it.
     */
    static void require(final boolean condition, final String reason)
    {
        if (condition)
        {
            return;
        }
        if (rootRequired())
        {
            fail(reason + " (" + REQUIRE_ROOT_PROP_NAME + "=true: this guarantee must be proved here, not skipped)");
        }
        Assumptions.assumeTrue(false, reason + "; skipped");
    }

    /**
     * @return whether {@value #REQUIRE_ROOT_PROP_NAME} is {@code true}.
     */
    static boolean rootRequired()
    {
        return Boolean.parseBoolean(System.getProperty(REQUIRE_ROOT_PROP_NAME, "false"));
    }
}
