package org.modstamp.wildfly.outbox;

import java.util.List;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;

/** Names of {@link Status} values, and the container's description of the current transaction, for the record. */
final class TransactionStatus {
    /** Where Payara and WildFly bind their TransactionManager (not standardized). */
    private static final List<String> TRANSACTION_MANAGERS = List.of("java:appserver/TransactionManager",
            "java:jboss/TransactionManager", "java:/TransactionManager");

    private TransactionStatus() {
    }

    static String name(int status) {
        return switch (status) {
            case Status.STATUS_ACTIVE -> "ACTIVE";
            case Status.STATUS_MARKED_ROLLBACK -> "MARKED_ROLLBACK";
            case Status.STATUS_PREPARED -> "PREPARED";
            case Status.STATUS_COMMITTED -> "COMMITTED";
            case Status.STATUS_ROLLEDBACK -> "ROLLEDBACK";
            case Status.STATUS_UNKNOWN -> "UNKNOWN";
            case Status.STATUS_NO_TRANSACTION -> "NO_TRANSACTION";
            case Status.STATUS_PREPARING -> "PREPARING";
            case Status.STATUS_COMMITTING -> "COMMITTING";
            case Status.STATUS_ROLLING_BACK -> "ROLLING_BACK";
            default -> "?";
        };
    }

    /** The container's own description of the current transaction (its toString), or why there is none. */
    static String describeCurrent() {
        for (String name : TRANSACTION_MANAGERS) {
            try {
                TransactionManager manager = (TransactionManager) new InitialContext().lookup(name);
                return String.valueOf(manager.getTransaction());
            } catch (NamingException | ClassCastException e) {
                // not this container's name
            } catch (SystemException e) {
                return "(" + e + ")";
            }
        }
        return "(no TransactionManager at " + TRANSACTION_MANAGERS + ")";
    }
}
