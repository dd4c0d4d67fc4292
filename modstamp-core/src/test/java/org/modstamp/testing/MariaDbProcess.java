package org.modstamp.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB server for a test: Debian's {@code mariadb-server} binaries, a new data directory in a
 * temporary directory, on a free port of 127.0.0.1 only, its socket in that directory; killed and removed at
 * {@link #close}. As root the server runs as the {@code mysql} user. The database {@code modstamp} belongs to the
 * user {@code modstamp} (no password, from 127.0.0.1 only), which has no rights outside it.
 */
public final class MariaDbProcess implements TestDatabase {
    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
    private final Path dir;
    private final int port;
    private final boolean root;
    private final boolean durable;
    private Process server;

    private MariaDbProcess(Path dir, int port, boolean root, boolean durable) {
        this.dir = dir;
        this.port = port;
        this.root = root;
        this.durable = durable;
    }

    /**
     * Starts a new server; {@code durable}: every commit flushed to disk (innodb_flush_log_at_trx_commit=1), else
     * left to the OS. Fails with the reason when MariaDB is not installed (run-tests installs it).
     */
    public static MariaDbProcess start(boolean durable) throws Exception {
        if (!Files.isExecutable(SERVER)) {
            throw new IllegalStateException("MariaDB is not installed (no " + SERVER + "): run-tests installs the "
                    + "Debian package mariadb-server");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("modstamp-mariadb");
        MariaDbProcess mariadb = new MariaDbProcess(dir, TestProcesses.freePort(), root, durable);
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (root) {
            run(List.of("chown", "mysql:mysql", dir.toString()));
            install.add("--user=mysql");
        }
        run(install);
        mariadb.startServer();
        mariadb.sql("CREATE DATABASE modstamp; CREATE USER modstamp@'127.0.0.1'; "
                + "GRANT ALL ON modstamp.* TO modstamp@'127.0.0.1';");
        return mariadb;
    }

    /** Starts the server (again, after {@link #kill}) and waits until it takes connections. */
    @Override
    public void startServer() throws Exception {
        List<String> command = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--bind-address=127.0.0.1", "--port=" + port,
                "--socket=" + dir.resolve("sock"), "--pid-file=" + dir.resolve("pid"), "--skip-log-bin",
                "--innodb-flush-log-at-trx-commit=" + (durable ? 1 : 2), "--max-connections=200"));
        if (root) {
            command.add("--user=mysql");
        }
        server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                sql("SELECT 1");
                return;
            } catch (IllegalStateException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("MariaDB did not start: " + Files.readString(dir.resolve("server.log")),
                            notYet);
                }
                Thread.sleep(100); // a poll of the socket with a deadline
            }
        }
    }

    /** Kills the server at once, as a crash would. */
    @Override
    public void kill() throws InterruptedException {
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void dropTable(String table) throws Exception {
        sql("DROP TABLE IF EXISTS modstamp." + table);
    }

    @Override
    public void allowCreate(boolean allowed) throws Exception {
        grant(allowed, "CREATE");
    }

    @Override
    public void allowWrites(boolean allowed) throws Exception {
        grant(allowed, "INSERT, UPDATE, DELETE");
    }

    private void grant(boolean allowed, String rights) throws Exception {
        sql((allowed ? "GRANT " : "REVOKE ") + rights + " ON modstamp.* " + (allowed ? "TO" : "FROM")
                + " modstamp@'127.0.0.1'");
    }

    /** Runs SQL as root through the server's socket. */
    public void sql(String statements) throws Exception {
        run(List.of("mariadb", "--no-defaults", "-S", dir.resolve("sock").toString(), "-u", "root", "-e", statements));
    }

    /** The JDBC URL of the database {@code modstamp}, for the user {@code modstamp}. */
    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/modstamp?user=modstamp";
    }

    private static void run(List<String> command) throws Exception {
        TestProcesses.run(command, null);
    }

    @Override
    public void close() throws Exception {
        try {
            if (server != null && server.isAlive()) {
                kill();
            }
        } finally {
            TestProcesses.remove(dir);
        }
    }
}
