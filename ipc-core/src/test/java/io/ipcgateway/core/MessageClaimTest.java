package io.ipcgateway.core;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageClaimTest
{
    private final List<String> calls = new ArrayList<>();
    private final ClaimCompleter completer = new ClaimCompleter()
    {
        public void commit(final int index, final long token)
        {
            calls.add("commit@" + index);
        }

        public void abort(final int index, final long token)
        {
            calls.add("abort@" + index);
        }
    };

    @Test
    void shouldCommitOnceAtTheClaimedIndex()
    {
        final MessageClaim claim = new MessageClaim();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        claim.wrap(completer, buffer, 16, 8);

        assertThat(claim.isActive()).isTrue();
        assertThat(claim.buffer()).isSameAs(buffer);
        assertThat(claim.offset()).isEqualTo(16);
        assertThat(claim.length()).isEqualTo(8);
        claim.commit();

        assertThat(calls).containsExactly("commit@16");
        assertThat(claim.isActive()).isFalse();
        assertThatThrownBy(claim::commit).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(claim::abort).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldAbortAndBeReusable()
    {
        final MessageClaim claim = new MessageClaim();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        claim.wrap(completer, buffer, 8, 4);
        claim.abort();
        claim.wrap(completer, buffer, 24, 4);
        claim.commit();

        assertThat(calls).containsExactly("abort@8", "commit@24");
    }
}
