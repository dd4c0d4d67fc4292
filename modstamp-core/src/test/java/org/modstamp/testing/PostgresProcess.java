package org.modstamp.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A private PostgreSQL server for a test: Debian's {@code postgresql-15} binaries, a new cluster in a temporary
 * directory, on a free port of 127.0.0.1 only, its socket in that directory; stopped (immediately, as a crash
 * would) and removed at {@link #close}. PostgreSQL refuses to run as root: as root the cluster belongs to the
 * {@code postgres} user and every command runs as it ({@code runuser}). The database {@code postgres} is open
 * to the user {@code modstamp} without a password (trust, loopback only), which is not a superuser.
 */
public final class PostgresProcess implements TestDatabase {
    private static final Path BIN = Path.of(System.getProperty("modstamp.postgres.bin", "/usr/lib/postgresql/15/bin"));
    private final Path dir;
    private final int port;
    private final boolean asPostgres;
    private boolean fsync;
    private volatile boolean running;

    private PostgresProcess(Path dir, int port, boolean asPostgres) {
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /**
     * Starts a new cluster, with {@code fsync} as asked (on: every commit reaches the disk). Fails with the reason
     * when PostgreSQL is not installed (run-tests installs it) or does not start.
     */
    public static PostgresProcess start(boolean fsync) throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed (no " + BIN.resolve("initdb")
                    + "): run-tests installs the Debian package postgresql-15");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("modstamp-pg");
        PostgresProcess postgres = new PostgresProcess(dir, TestProcesses.freePort(), root);
        if (root) {
            postgres.run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        postgres.run(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
                "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C"), true);
        postgres.fsync = fsync;
        postgres.startServer();
        postgres.psql("CREATE USER modstamp; GRANT ALL ON SCHEMA public TO modstamp;");
        return postgres;
    }

    /** Starts the server on its port (again, after {@link #kill}), and waits until it takes connections. */
    @Override
    public void startServer() throws Exception {
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("log").toString(), "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir
                        + " -c fsync=" + (fsync ? "on" : "off") + " -c max_connections=200", "start"), true);
        running = true;
    }

    /** Stops the server at once, as a crash would (its clients see their connections fail). */
    @Override
    public void kill() throws Exception {
        running = false;
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
                "stop"), true);
    }

    @Override
    public void dropTable(String table) throws Exception {
        psql("DROP TABLE IF EXISTS " + table);
    }

    @Override
    public void allowCreate(boolean allowed) throws Exception {
        psql((allowed ? "GRANT" : "REVOKE") + " CREATE ON SCHEMA public " + (allowed ? "TO" : "FROM") + " modstamp");
    }

    @Override
    public void allowWrites(boolean allowed) throws Exception {
        psql((allowed ? "GRANT" : "REVOKE") + " INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                + (allowed ? "TO" : "FROM") + " modstamp");
    }

    /** Runs SQL as the superuser, through psql on the server's socket. */
    public void psql(String sql) throws Exception {
        run(List.of(BIN.resolve("psql").toString(), "-h", dir.toString(), "-p", String.valueOf(port), "-U", "postgres",
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql), true);
    }

    /** The JDBC URL of the database {@code postgres}, for the user {@code modstamp}. */
    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=modstamp";
    }

    public int port() {
        return port;
    }

    private void run(List<String> command, boolean asTheOwner) throws Exception {
        List<String> full = new ArrayList<>();
        if (asTheOwner && asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        TestProcesses.run(full, dir.resolve("log"));
    }

    @Override
    public void close() throws Exception {
        try {
            if (running) {
                kill();
            }
        } finally {
            TestProcesses.remove(dir);
        }
    }
}
