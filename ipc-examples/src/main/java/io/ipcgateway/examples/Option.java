package io.ipcgateway.examples;

/**
 * One command line option: its name, the placeholder for its value (none for a flag) and what it does.
 *
 * @param name        the name without dashes, e.g. {@code "clients"}.
 * @param valueName   the placeholder shown in help, e.g. {@code "N"}, or {@code null} for a flag.
 * @param description one line for the help text, including the default where there is one.
 */
public record Option(String name, String valueName, String description)
{
    /** The flag every command accepts: print the help text and exit 0. */
    public static final Option HELP = flag("help", "print this help and exit");

    /**
     * An option that takes a value.
     *
     * @param name        the name without dashes.
     * @param valueName   the placeholder shown in help.
     * @param description one line for the help text.
     * @return the option.
     */
    public static Option valued(final String name, final String valueName, final String description)
    {
        return new Option(name, valueName, description);
    }

    /**
     * An option that takes no value.
     *
     * @param name        the name without dashes.
     * @param description one line for the help text.
     * @return the option.
     */
    public static Option flag(final String name, final String description)
    {
        return new Option(name, null, description);
    }

    /**
     * Whether the option takes a value.
     *
     * @return {@code false} for a flag.
     */
    public boolean takesValue()
    {
        return valueName != null;
    }

    /**
     * The option as typed, e.g. {@code --clients}.
     *
     * @return the name with its two dashes.
     */
    public String flagName()
    {
        return "--" + name;
    }
}
