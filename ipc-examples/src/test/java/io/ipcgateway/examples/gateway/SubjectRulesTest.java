package io.ipcgateway.examples.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubjectRulesTest
{
    @Test
    void shouldAcceptSubjectsOfPrintableTokens()
    {
        assertThat(SubjectRules.isValidSubject("orders", 256)).isTrue();
        assertThat(SubjectRules.isValidSubject("orders.eu.created", 256)).isTrue();
        assertThat(SubjectRules.isValidSubject("_INBOX.abc-123", 256)).isTrue();
    }

    @Test
    void shouldRefuseEmptyTokensWhitespaceWildcardsAndOverlongSubjects()
    {
        assertThat(SubjectRules.isValidSubject("", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject(null, 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("a..b", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject(".a", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("a.", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("bad subject", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("a\tb", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("caf\u00e9", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("a.*", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("a.>", 256)).isFalse();
        assertThat(SubjectRules.isValidSubject("abcde", 4)).isFalse();
    }

    @Test
    void shouldAcceptWildcardsOnlyAsWholeTokensInPatterns()
    {
        assertThat(SubjectRules.isValidPattern("a.*.c", 256)).isTrue();
        assertThat(SubjectRules.isValidPattern("a.>", 256)).isTrue();
        assertThat(SubjectRules.isValidPattern(">", 256)).isTrue();
        assertThat(SubjectRules.isValidPattern("a.>.c", 256)).isFalse();
        assertThat(SubjectRules.isValidPattern("a.b*", 256)).isFalse();
        assertThat(SubjectRules.isValidPattern("a.*b", 256)).isFalse();
        assertThat(SubjectRules.isValidPattern("a.>>", 256)).isFalse();
    }

    @Test
    void shouldMatchSubjectsTokenByToken()
    {
        assertThat(SubjectRules.matches("orders.>", "orders.eu")).isTrue();
        assertThat(SubjectRules.matches("orders.>", "orders.eu.created")).isTrue();
        assertThat(SubjectRules.matches("orders.>", "orders")).isFalse();
        assertThat(SubjectRules.matches("orders.*", "orders.eu")).isTrue();
        assertThat(SubjectRules.matches("orders.*", "orders.eu.created")).isFalse();
        assertThat(SubjectRules.matches("*.eu", "orders.eu")).isTrue();
        assertThat(SubjectRules.matches("orders.eu", "orders.eu")).isTrue();
        assertThat(SubjectRules.matches("orders.eu", "orders.euro")).isFalse();
        assertThat(SubjectRules.matches("orders", "ordersx")).isFalse();
    }

    @Test
    void shouldDescribeTheProblemNamingTheSubjectAndTheLimit()
    {
        assertThat(SubjectRules.describeProblem("a b", 256, false)).contains("subject='a b'").contains("NATS");
        assertThat(SubjectRules.describeProblem("abcdef", 3, false)).contains("length=6").contains("limit of 3");
        assertThat(SubjectRules.describeProblem("a.b", 256, false)).isNull();
    }
}
