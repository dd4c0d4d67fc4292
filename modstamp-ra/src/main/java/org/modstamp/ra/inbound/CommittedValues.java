package org.modstamp.ra.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * For one bean, the last value of each id that a delivery to it committed, kept in a file, so that an
 * activation after a restart or a redeployment starts from it and delivers what changed meanwhile. Values
 * are recorded after the bean's transaction committed and written out at the end of each run of deliveries
 * (a new file, synced, then renamed over the old one): a crash in between loses at most the last few records,
 * whose changes are then delivered once more, never skipped. {@code ""} stands for an id with no value.
 */
final class CommittedValues {
    private static final Logger LOG = Logger.getLogger(CommittedValues.class.getName());

    private final Path file;
    private final Map<String, String> values = new HashMap<>();
    private boolean dirty;

    private CommittedValues(Path file) {
        this.file = file;
    }

    /**
     * The values kept in {@code file}; none if it does not exist yet. A file that cannot be read is logged and
     * treated as empty (the activation then starts as without resume), never fatal.
     */
    static CommittedValues open(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        CommittedValues committed = new CommittedValues(file);
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            stored.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return committed;
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "modstamp: cannot read the committed values in " + file
                    + "; starting without them", e);
            return committed;
        }
        stored.forEach((id, value) -> committed.values.put((String) id, (String) value));
        return committed;
    }

    /**
     * The file name for a bean: its name with every character outside {@code [A-Za-z0-9._-]} replaced, and a
     * hash of the whole name, so that two names never share a file.
     */
    static String fileName(String bean) {
        String readable = bean.replaceAll("[^A-Za-z0-9._-]", "_");
        return readable + "-" + Integer.toHexString(bean.hashCode()) + ".properties";
    }

    /** The value of each id last committed, {@code ""} for none; ids never committed are absent. */
    synchronized Map<String, String> values() {
        return Map.copyOf(values);
    }

    /** Records that a delivery of {@code id} with {@code value} (null: deleted) committed. */
    synchronized void record(String id, String value) {
        values.put(id, value == null ? "" : value);
        dirty = true;
    }

    /** Writes the values out if any changed since the last write; a failure is logged and retried next time. */
    synchronized void flush() {
        if (!dirty) {
            return;
        }
        Properties stored = new Properties();
        stored.putAll(values);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                stored.store(writer, "modstamp: the last value of each id this bean committed");
                writer.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            dirty = false;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "modstamp: cannot write the committed values to " + file
                    + " (retried after the next delivery)", e);
        }
    }

    Path file() {
        return file;
    }
}
