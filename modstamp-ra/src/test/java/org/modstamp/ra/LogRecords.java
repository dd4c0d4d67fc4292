package org.modstamp.ra;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one logger, and the loggers below it, write while a test runs, to wait on a line that says a thing
 * happened.
 */
final class LogRecords extends Handler implements AutoCloseable {
    private final Logger logger;
    private final Level previous;
    private final BlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();

    LogRecords(String loggerName) {
        logger = Logger.getLogger(loggerName);
        previous = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Waits (at most {@code seconds}) for a record whose message contains {@code text}; null if none came. */
    LogRecord await(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LogRecord record = records.poll(left, TimeUnit.NANOSECONDS);
            if (record != null && record.getMessage() != null && record.getMessage().contains(text)) {
                return record;
            }
        }
        return null;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
