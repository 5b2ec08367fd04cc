package io.ipcgateway.resilience;

/**
 * A call that takes one input and may throw any exception: the common shape every decorated call (a
 * {@code Supplier}, {@code Callable}, {@code Runnable} or {@code Function}) is reduced to, so one chain of
 * resilience steps serves them all without allocating per call.
 *
 * @param <I> the input type ({@code Void} for calls without input).
 * @param <O> the result type ({@code Void} for calls without result).
 */
@FunctionalInterface
public interface CheckedFunction<I, O>
{
    /**
     * Makes the call.
     *
     * @param input the input, {@code null} for calls without input.
     * @return the result.
     * @throws Exception whatever the call throws.
     */
    O apply(I input) throws Exception;
}
