package org.modstamp.server.watch;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.modstamp.wire.Ids;

/**
 * The prefixes watched now, to find those an id falls under in as many lookups as there are lengths of watched
 * prefixes (not one per prefix). A watch is registered in the listener registry under {@link #key} of its prefix,
 * which no id can be ({@code *} is not an id character), so that its listeners share the registration budgets of
 * ids. Not thread-safe: the engine thread owns it.
 */
public final class WatchedPrefixes {
    private final Set<String> prefixes = new HashSet<>();
    private final int[] lengths = new int[Ids.MAX_LENGTH + 1];

    /** The listener registry's key of the watch of {@code prefix}. */
    public static String key(String prefix) {
        return prefix + "*";
    }

    /** {@code prefix} is watched (again). */
    public void watched(String prefix) {
        if (prefixes.add(prefix)) {
            lengths[prefix.length()]++;
        }
    }

    /** Calls {@code action} with every watched prefix {@code id} starts with. */
    public void forEachPrefixOf(String id, Consumer<String> action) {
        for (int length = 1; length <= id.length(); length++) {
            if (lengths[length] > 0) {
                String prefix = id.substring(0, length);
                if (prefixes.contains(prefix)) {
                    action.accept(prefix);
                }
            }
        }
    }

    /** Forgets the prefixes nobody {@code stillWatches}; returns how many are left. */
    public int sweep(Predicate<String> stillWatches) {
        for (Iterator<String> it = prefixes.iterator(); it.hasNext(); ) {
            String prefix = it.next();
            if (!stillWatches.test(prefix)) {
                it.remove();
                lengths[prefix.length()]--;
            }
        }
        return prefixes.size();
    }

    public int size() {
        return prefixes.size();
    }
}
