package io.ipcgateway.shm.notify;

/**
 * Prints, in a child JVM, what {@link NotifierKind#AUTO} resolves to there:
 * {@code autoKind=<kind> futexImplementation=<class@location> report=<selection report>}.
 */
public final class SelectionReportProcess
{
    private SelectionReportProcess()
    {
    }

    /**
     * Prints the selection.
     *
     * @param args unused.
     */
    public static void main(final String[] args)
    {
        System.out.println("autoKind=" + Notifiers.autoKind()
            + " futexImplementation=" + Notifiers.futexImplementation()
            + " report=" + Notifiers.selectionReport().replace(' ', '_'));
    }
}
