package com.example.adopter;

import io.ipcgateway.core.JvmAccess;

/** A user's class that uses the transport's API through ipc-shm's dependencies. */
public final class Adopter
{
    private Adopter()
    {
    }

    public static void main(final String[] args)
    {
        JvmAccess.ensureAgronaAccess();
    }
}
