package org.modstamp.ee;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Transactions on a real database, one per thread, as a JTA container runs them for the pusher: the registry it
 * sees, and a DataSource whose connections join the thread's transaction. At the commit the synchronizations
 * are told while the transaction is still bound, with the status COMMITTED (as Narayana and Payara's JTS do).
 */
final class JdbcTransactions implements TransactionSynchronizationRegistry {
    private final DataSource database;
    private final ThreadLocal<Transaction> current = new ThreadLocal<>();

    private static final class Transaction {
        final Connection connection;
        final Map<Object, Object> resources = new HashMap<>();
        final List<Synchronization> synchronizations = new ArrayList<>();
        int status = Status.STATUS_ACTIVE;

        Transaction(Connection connection) {
            this.connection = connection;
        }
    }

    JdbcTransactions(DataSource database) {
        this.database = database;
    }

    void begin() throws SQLException {
        Connection connection = database.getConnection();
        connection.setAutoCommit(false);
        current.set(new Transaction(connection));
    }

    /** Commits the thread's transaction, then tells the synchronizations (still bound, committed). */
    void commit() throws SQLException {
        end(Status.STATUS_COMMITTED);
    }

    void rollback() throws SQLException {
        end(Status.STATUS_ROLLEDBACK);
    }

    private void end(int outcome) throws SQLException {
        Transaction tx = current.get();
        try {
            if (outcome == Status.STATUS_COMMITTED) {
                tx.synchronizations.forEach(Synchronization::beforeCompletion);
                tx.connection.commit();
            } else {
                tx.connection.rollback();
            }
            tx.status = outcome;
            tx.synchronizations.forEach(s -> s.afterCompletion(outcome));
        } finally {
            tx.connection.close();
            current.remove();
        }
    }

    /** Connections in the thread's transaction (closing one leaves it open), or of their own outside one. */
    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Transaction tx = current.get();
                    if (method.getName().equals("getConnection") && tx != null) {
                        return enlisted(tx.connection);
                    }
                    try {
                        return method.invoke(database, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Connection enlisted(Connection connection) {
        return (Connection) Proxy.newProxyInstance(JdbcTransactions.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            return null;
                        }
                        case "commit", "rollback", "setAutoCommit" ->
                                throw new SQLException(method.getName() + " on a connection enlisted in a transaction");
                        default -> {
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }

    @Override
    public Object getTransactionKey() {
        return current.get();
    }

    @Override
    public void putResource(Object key, Object value) {
        current.get().resources.put(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return current.get().resources.get(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        current.get().synchronizations.add(sync);
    }

    @Override
    public int getTransactionStatus() {
        Transaction tx = current.get();
        return tx == null ? Status.STATUS_NO_TRANSACTION : tx.status;
    }

    @Override
    public void setRollbackOnly() {
        current.get().status = Status.STATUS_MARKED_ROLLBACK;
    }

    @Override
    public boolean getRollbackOnly() {
        return current.get().status == Status.STATUS_MARKED_ROLLBACK;
    }
}
