package org.modstamp.it.pusher;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import org.modstamp.ee.ModstampPusher;

/** A stateless EJB whose (container-managed, REQUIRED) transactions push and commit or roll back. */
@Stateless
public class TxEjb {
    @Inject
    ModstampPusher pusher;

    public void pushAndCommit(String id, String value) {
        pusher.push(id, value);
    }

    public void pushAndRollBack(String id, String value) {
        pusher.push(id, value);
        throw new IllegalStateException("rolled back on purpose");
    }
}
