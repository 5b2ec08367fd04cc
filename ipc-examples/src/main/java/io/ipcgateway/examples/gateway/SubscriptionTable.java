package io.ipcgateway.examples.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.ipcgateway.shm.ClientSession;

/**
 * Which local sessions subscribe to which subject pattern, so that many local subscriptions to one pattern share one
 * NATS subscription: the first local subscriber of a pattern opens it, the last one to go closes it. Used from the
 * gateway's duty thread only (not thread-safe).
 *
 * @param <H> the NATS subscription's handle.
 */
public final class SubscriptionTable<H>
{
    private final Map<String, PatternEntry<H>> byPattern = new HashMap<>();
    private final Map<ClientSession, List<Subscriber>> bySession = new HashMap<>();
    private int localCount;

    /**
     * A local subscriber: its session and the id its client gave the subscription.
     *
     * @param session        the client's session.
     * @param subscriptionId the client's id.
     * @param pattern        the subject pattern.
     */
    public record Subscriber(ClientSession session, int subscriptionId, String pattern)
    {
    }

    /**
     * Adds a local subscription.
     *
     * @param session        the client's session.
     * @param subscriptionId the client's id (a repeated id of the same session replaces nothing and returns false).
     * @param pattern        the pattern.
     * @return true when this is the pattern's first subscriber: the caller opens the NATS subscription and
     *         {@link #attach}es its handle.
     */
    public boolean add(final ClientSession session, final int subscriptionId, final String pattern)
    {
        final List<Subscriber> ofSession = bySession.computeIfAbsent(session, s -> new ArrayList<>());
        for (final Subscriber existing : ofSession)
        {
            if (existing.subscriptionId() == subscriptionId)
            {
                return false;
            }
        }
        final Subscriber subscriber = new Subscriber(session, subscriptionId, pattern);
        ofSession.add(subscriber);
        localCount++;
        final PatternEntry<H> entry = byPattern.get(pattern);
        if (entry != null)
        {
            entry.subscribers.add(subscriber);
            return false;
        }
        final PatternEntry<H> created = new PatternEntry<>();
        created.subscribers.add(subscriber);
        byPattern.put(pattern, created);
        return true;
    }

    /**
     * Sets the NATS subscription of a pattern.
     *
     * @param pattern the pattern.
     * @param handle  its NATS subscription.
     */
    public void attach(final String pattern, final H handle)
    {
        final PatternEntry<H> entry = byPattern.get(pattern);
        if (entry != null)
        {
            entry.handle = handle;
        }
    }

    /**
     * Removes one local subscription.
     *
     * @param session        the client's session.
     * @param subscriptionId the client's id.
     * @return the NATS handle to close when that was the pattern's last subscriber, else null.
     */
    public H remove(final ClientSession session, final int subscriptionId)
    {
        final List<Subscriber> ofSession = bySession.get(session);
        if (ofSession == null)
        {
            return null;
        }
        for (int i = 0; i < ofSession.size(); i++)
        {
            final Subscriber subscriber = ofSession.get(i);
            if (subscriber.subscriptionId() == subscriptionId)
            {
                ofSession.remove(i);
                if (ofSession.isEmpty())
                {
                    bySession.remove(session);
                }
                return unlink(subscriber);
            }
        }
        return null;
    }

    /**
     * Removes every subscription of a session that ended.
     *
     * @param session the session.
     * @return the NATS handles to close (patterns that lost their last subscriber).
     */
    public List<H> removeSession(final ClientSession session)
    {
        final List<Subscriber> ofSession = bySession.remove(session);
        final List<H> toClose = new ArrayList<>();
        if (ofSession != null)
        {
            for (final Subscriber subscriber : ofSession)
            {
                final H handle = unlink(subscriber);
                if (handle != null)
                {
                    toClose.add(handle);
                }
            }
        }
        return toClose;
    }

    /**
     * The subscribers of a pattern now.
     *
     * @param pattern the pattern.
     * @return its subscribers (the live list: do not modify; empty when none).
     */
    public List<Subscriber> subscribers(final String pattern)
    {
        final PatternEntry<H> entry = byPattern.get(pattern);
        return entry == null ? List.of() : entry.subscribers;
    }

    /**
     * Patterns with at least one subscriber (NATS subscriptions held).
     *
     * @return the count.
     */
    public int patternCount()
    {
        return byPattern.size();
    }

    /**
     * Local subscriptions.
     *
     * @return the count.
     */
    public int subscriberCount()
    {
        return localCount;
    }

    /**
     * Removes everything.
     *
     * @return the NATS handles to close.
     */
    public List<H> clear()
    {
        final List<H> handles = new ArrayList<>();
        for (final PatternEntry<H> entry : byPattern.values())
        {
            if (entry.handle != null)
            {
                handles.add(entry.handle);
            }
        }
        byPattern.clear();
        bySession.clear();
        localCount = 0;
        return handles;
    }

    private H unlink(final Subscriber subscriber)
    {
        localCount--;
        final PatternEntry<H> entry = byPattern.get(subscriber.pattern());
        if (entry == null)
        {
            return null;
        }
        entry.subscribers.remove(subscriber);
        if (entry.subscribers.isEmpty())
        {
            byPattern.remove(subscriber.pattern());
            return entry.handle;
        }
        return null;
    }

    private static final class PatternEntry<H>
    {
        private final List<Subscriber> subscribers = new ArrayList<>();
        private H handle;
    }
}
