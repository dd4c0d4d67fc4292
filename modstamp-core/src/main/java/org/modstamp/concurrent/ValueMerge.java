package org.modstamp.concurrent;

/** Which value a key keeps when a value is offered while another is pending. */
@FunctionalInterface
public interface ValueMerge<V> {
    /**
     * The value to keep: {@code offered}, {@code pending}, or a new one made of both. {@code inFlight} says
     * that {@code pending} is in the batch being handled now (the handler may already act on it).
     */
    V merge(V pending, V offered, boolean inFlight);

    /** The offered value always wins. */
    static <V> ValueMerge<V> newest() {
        return (pending, offered, inFlight) -> offered;
    }
}
