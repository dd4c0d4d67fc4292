package org.modstamp.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How the commands print an id and its value: "id TAB value", or a JSON line. The JSON mapper is made on first use:
 * every command is instantiated when the command line is parsed, and a mapper made then would cost {@code serve}
 * some 500 classes it never uses.
 */
final class ChangeLines {
    private ChangeLines() {
    }

    static String format(String id, String value, boolean json) {
        return json ? json("id", id, "value", value) : id + "\t" + (value == null ? "" : value);
    }

    /** A JSON object of the names and values, in their order. */
    static String json(Object... namesAndValues) {
        Map<Object, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        try {
            return Mapper.JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings and numbers are always JSON", e);
        }
    }

    /** Holds the mapper, so that it is made when the first JSON line is. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }
}
