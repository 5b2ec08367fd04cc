package com.example.adopter;

import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.JvmAccess;
import io.ipcgateway.core.OfferResult;
import io.ipcgateway.shm.ClientContext;
import io.ipcgateway.shm.ShmClient;
import org.agrona.concurrent.UnsafeBuffer;

/** A user's class written against the transport's API, with nothing but ipc-shm as its dependency. */
public final class Adopter
{
    private Adopter()
    {
    }

    public static void main(final String[] args)
    {
        JvmAccess.ensureAgronaAccess();
        final UnsafeBuffer request = new UnsafeBuffer(new byte[8]);
        try (ShmClient client = ShmClient.connect(new ClientContext().serviceName(args[0])))
        {
            final long result = client.request(1, request, 0, 8,
                (typeId, buffer, offset, length) -> System.out.println("response of " + length + " bytes"),
                TimeUnit.SECONDS.toNanos(5));
            System.out.println(OfferResult.describe(result));
        }
    }
}
