package io.ipcgateway.examples;

/**
 * The quote service's message types, shared by {@link QuoteServerMain} and {@link QuoteClientMain}: a request
 * carries a symbol (UTF-8) and is answered with its price in cents ({@code int64}) or the error status
 * {@link #UNKNOWN_SYMBOL}; the server pushes every price change as {@code "SYMBOL cents"} (UTF-8).
 */
final class QuoteProtocol
{
    /** Request: symbol, UTF-8; response: price in cents, int64. */
    static final int QUOTE = 1;
    /** Push: {@code "SYMBOL cents"}, UTF-8. */
    static final int TICK = 2;
    /** Error status of a quote for a symbol the service does not know. */
    static final int UNKNOWN_SYMBOL = 404;
    /** The service name both sides use unless told otherwise. */
    static final String DEFAULT_SERVICE = "quotes";

    private QuoteProtocol()
    {
    }
}
