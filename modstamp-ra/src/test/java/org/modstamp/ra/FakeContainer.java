package org.modstamp.ra;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.transaction.xa.XAResource;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.modstamp.ra.api.ModstampListener;

/** Just enough of an application server to run the adapter in a unit test: a WorkManager on a thread pool. */
final class FakeContainer implements BootstrapContext, WorkManager, AutoCloseable {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** While set, scheduled Work is refused, as a WorkManager with no thread to spare would. */
    volatile boolean refusing;

    @Override
    public WorkManager getWorkManager() {
        return this;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer(true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> workContextClass) {
        return false;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return null;
    }

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) {
        work.run();
    }

    @Override
    public long startWork(Work work) {
        pool.execute(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) {
        return startWork(work);
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        if (refusing) {
            throw new WorkRejectedException("refused for the test");
        }
        pool.execute(work);
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext ctx, WorkListener listener) throws WorkException {
        scheduleWork(work);
    }

    /** A factory of endpoints that pass each change to {@code bean}, as an MDB container would. */
    static MessageEndpointFactory endpoints(String name, ModstampListener bean) {
        return new MessageEndpointFactory() {
            @Override
            public MessageEndpoint createEndpoint(XAResource xa) {
                return (MessageEndpoint) Proxy.newProxyInstance(FakeContainer.class.getClassLoader(),
                        new Class<?>[] {MessageEndpoint.class, ModstampListener.class}, (proxy, method, args) -> {
                            if (method.getName().equals("onModstampChange")) {
                                bean.onModstampChange((org.modstamp.ra.api.ModstampChange) args[0]);
                            }
                            return null;
                        });
            }

            @Override
            public MessageEndpoint createEndpoint(XAResource xa, long timeout) {
                return createEndpoint(xa);
            }

            @Override
            public boolean isDeliveryTransacted(Method method) {
                return false;
            }

            @Override
            public String getActivationName() {
                return name;
            }

            @Override
            public Class<?> getEndpointClass() {
                return bean.getClass();
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
