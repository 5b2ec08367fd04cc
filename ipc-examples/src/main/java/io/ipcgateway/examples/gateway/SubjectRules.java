package io.ipcgateway.examples.gateway;

/**
 * The NATS subject rules, checked without allocating: a subject is tokens of printable ASCII (no space or control
 * characters) separated by single dots, none empty. A publish subject has no wildcards; a subscription pattern may
 * have {@code *} as a whole token anywhere and {@code >} as the whole last token.
 */
public final class SubjectRules
{
    private SubjectRules()
    {
    }

    /**
     * Whether {@code subject} is a valid subject to publish or send a request to.
     *
     * @param subject   the subject.
     * @param maxLength the longest allowed.
     * @return true when valid.
     */
    public static boolean isValidSubject(final CharSequence subject, final int maxLength)
    {
        return check(subject, maxLength, false);
    }

    /**
     * Whether {@code pattern} is a valid subscription pattern.
     *
     * @param pattern   the pattern.
     * @param maxLength the longest allowed.
     * @return true when valid.
     */
    public static boolean isValidPattern(final CharSequence pattern, final int maxLength)
    {
        return check(pattern, maxLength, true);
    }

    /**
     * Why {@code subject} is not valid, for error messages.
     *
     * @param subject   the subject (may be null).
     * @param maxLength the longest allowed.
     * @param wildcards whether wildcards are allowed (a pattern).
     * @return the reason, or null when it is valid.
     */
    public static String describeProblem(final CharSequence subject, final int maxLength, final boolean wildcards)
    {
        if (subject == null || subject.length() == 0)
        {
            return "subject is empty";
        }
        if (subject.length() > maxLength)
        {
            return "subject length=" + subject.length() + " is over the limit of " + maxLength;
        }
        if (!check(subject, maxLength, wildcards))
        {
            return "subject='" + printable(subject) + "' breaks the NATS subject rules (printable ASCII tokens " +
                "separated by single dots" + (wildcards ? ", '*' as a whole token, '>' as the whole last token" :
                ", no wildcards") + ")";
        }
        return null;
    }

    /**
     * Whether a subject matches a subscription pattern, token by token, without allocating.
     *
     * @param pattern a valid pattern.
     * @param subject a valid subject.
     * @return true when it matches ({@code *} matches one token, a last {@code >} one or more).
     */
    public static boolean matches(final String pattern, final String subject)
    {
        int p = 0;
        int s = 0;
        final int pLength = pattern.length();
        final int sLength = subject.length();
        while (p < pLength && s < sLength)
        {
            final int pEnd = tokenEnd(pattern, p);
            final int sEnd = tokenEnd(subject, s);
            final int tokenLength = pEnd - p;
            if (tokenLength == 1 && pattern.charAt(p) == '>')
            {
                return true;
            }
            if (!(tokenLength == 1 && pattern.charAt(p) == '*') &&
                (tokenLength != sEnd - s || !pattern.regionMatches(p, subject, s, tokenLength)))
            {
                return false;
            }
            p = pEnd + 1;
            s = sEnd + 1;
        }
        return p >= pLength && s >= sLength;
    }

    private static int tokenEnd(final String text, final int from)
    {
        final int dot = text.indexOf('.', from);
        return dot < 0 ? text.length() : dot;
    }

    private static boolean check(final CharSequence subject, final int maxLength, final boolean wildcards)
    {
        final int length = subject == null ? 0 : subject.length();
        if (length == 0 || length > maxLength)
        {
            return false;
        }
        int tokenStart = 0;
        for (int i = 0; i <= length; i++)
        {
            if (i == length || subject.charAt(i) == '.')
            {
                final int tokenLength = i - tokenStart;
                if (tokenLength == 0)
                {
                    return false;
                }
                final char first = subject.charAt(tokenStart);
                if (first == '*' || first == '>')
                {
                    if (!wildcards || tokenLength != 1 || (first == '>' && i != length))
                    {
                        return false;
                    }
                }
                tokenStart = i + 1;
                continue;
            }
            final char c = subject.charAt(i);
            if (c <= ' ' || c > '~' || ((c == '*' || c == '>') && i != tokenStart))
            {
                return false;
            }
        }
        return true;
    }

    private static String printable(final CharSequence subject)
    {
        final StringBuilder out = new StringBuilder(Math.min(subject.length(), 80));
        for (int i = 0; i < subject.length() && i < 80; i++)
        {
            final char c = subject.charAt(i);
            out.append(c < ' ' || c > '~' ? '?' : c);
        }
        return out.toString();
    }
}
