package io.ipcgateway.examples.gateway;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SubjectCache}: the same string instance for the same bytes wherever they lie, the right string for every
 * subject even when many subjects share slots, and long subjects read without being kept.
 */
class SubjectCacheTest
{
    private final SubjectCache cache = new SubjectCache();

    @Test
    void shouldReturnTheSameInstanceForEqualBytesAtAnyOffset()
    {
        final UnsafeBuffer first = buffer("xx.orders.created", 0);
        final UnsafeBuffer second = buffer("orders.created", 7);

        final String a = cache.intern(first, 3, "orders.created".length());
        final String b = cache.intern(second, 7, "orders.created".length());

        assertThat(a).isEqualTo("orders.created");
        assertThat(b).isSameAs(a);
    }

    @Test
    void shouldReturnTheRightSubjectForManyMoreSubjectsThanSlots()
    {
        final int subjects = SubjectCache.SLOTS * 3;
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < subjects; i++)
            {
                final String subject = "svc." + i + ".x";
                assertThat(cache.intern(buffer(subject, 0), 0, subject.length())).isEqualTo(subject);
            }
        }
    }

    @Test
    void shouldTellApartSubjectsOfOneLengthThatDifferInOneByte()
    {
        assertThat(cache.intern(buffer("a.b.c", 0), 0, 5)).isEqualTo("a.b.c");
        assertThat(cache.intern(buffer("a.b.d", 0), 0, 5)).isEqualTo("a.b.d");
        assertThat(cache.intern(buffer("a.b.c", 0), 0, 5)).isEqualTo("a.b.c");
    }

    @Test
    void shouldReadButNotKeepSubjectsLongerThanTheLimit()
    {
        final String subject = "s." + "x".repeat(SubjectCache.MAX_CACHED_LENGTH);

        final String a = cache.intern(buffer(subject, 0), 0, subject.length());
        final String b = cache.intern(buffer(subject, 0), 0, subject.length());

        assertThat(a).isEqualTo(subject);
        assertThat(b).isEqualTo(subject).isNotSameAs(a);
    }

    private static UnsafeBuffer buffer(final String text, final int at)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[at + bytes.length]);
        buffer.putBytes(at, bytes);
        return buffer;
    }
}
