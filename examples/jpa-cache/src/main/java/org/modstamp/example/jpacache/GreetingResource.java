package org.modstamp.example.jpacache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/greetings/{id}}: the text; {@code PUT /api/greetings/{id}} with the text as body: changes it.
 * Both answer with {@code X-Nano-Time}, the instance's {@code System.nanoTime()} after the read, or just before the
 * database commit (a push, and so an eviction elsewhere, may come before this thread runs again after it; the
 * same clock for every process of a Linux machine), the PUT {@code X-Committed-Nano-Time} just after it, and
 * {@code X-Evicted-Nano-Time}/{@code X-Evictions}/{@code X-Evicted-Value} when, how often and for which value of
 * {@code jpa.Greeting} this instance evicted greetings, so a test can time what happens between instances.
 * {@code POST /api/greetings/{id}/changes?count=N&perSecond=R&threads=T} commits N changes, one transaction each,
 * at most R a second, from T threads (on the managed executor) that each change one greeting of their own, {@code id}
 * to {@code id+T-1}, to {@code change1}, {@code change2}, ... {@code change(N/T)}; it answers with the rate it
 * reached: load without the cost of an HTTP request per commit.
 */
@Path("greetings/{id}")
@RequestScoped
public class GreetingResource {
    @Inject
    Greetings greetings;

    @Inject
    Evictions evictions;

    @Resource
    ManagedExecutorService executor;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response get(@PathParam("id") long id) {
        String text = greetings.text(id);
        long at = System.nanoTime();
        return (text == null ? Response.status(Response.Status.NOT_FOUND) : Response.ok(text))
                .header("X-Nano-Time", at).header("X-Evicted-Nano-Time", evictions.lastNanoTime())
                .header("X-Evictions", evictions.count()).header("X-Evicted-Value", evictions.lastValue()).build();
    }

    @PUT
    @Consumes(MediaType.TEXT_PLAIN)
    public Response put(@PathParam("id") long id, String text) {
        AtomicLong committing = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        greetings.set(id, text, committing, committed);
        return Response.noContent().header("X-Nano-Time", committing.get())
                .header("X-Committed-Nano-Time", committed.get()).build();
    }

    @POST
    @Path("changes")
    @Produces(MediaType.TEXT_PLAIN)
    public String changes(@PathParam("id") long id, @QueryParam("count") @DefaultValue("1000") int count,
                          @QueryParam("perSecond") @DefaultValue("1000") int perSecond,
                          @QueryParam("threads") @DefaultValue("1") int threads) throws Exception {
        if (threads < 1 || threads > 16 || count < threads || perSecond < threads) {
            throw new BadRequestException("threads must be 1..16, and count and perSecond at least threads");
        }
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long greeting = id + t;
            running.add(executor.submit(() -> commit(greeting, count / threads, perSecond / threads)));
        }
        for (Future<?> done : running) {
            done.get();
        }
        return String.format("%.0f", (count / threads * threads) / ((System.nanoTime() - start) / 1e9));
    }

    /** Commits {@code count} changes of greeting {@code id}, {@code change1} to {@code changeN}, at most {@code perSecond}. */
    private void commit(long id, int count, int perSecond) {
        AtomicLong committing = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        for (int n = 1; n <= count; n++) {
            LockSupport.parkNanos(start + n * interval - System.nanoTime());
            greetings.set(id, "change" + n, committing, committed);
        }
    }
}
