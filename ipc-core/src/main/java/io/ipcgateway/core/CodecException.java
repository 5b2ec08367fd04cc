package io.ipcgateway.core;

/**
 * The bytes of a message are not a value of the type a {@link Codec} reads (for instance a 3-byte body where
 * {@link Codecs#int64()} expects 8). The message names the codec, the length found and the length expected.
 */
public class CodecException extends IpcException
{
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with context as {@code key=value}.
     */
    public CodecException(final String message)
    {
        super(message);
    }
}
