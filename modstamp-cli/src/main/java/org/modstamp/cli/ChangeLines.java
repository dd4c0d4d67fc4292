package org.modstamp.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** How the commands print an id and its value: "id TAB value", or a JSON line. */
final class ChangeLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeLines() {
    }

    static String format(String id, String value, boolean json) {
        if (!json) {
            return id + "\t" + (value == null ? "" : value);
        }
        Map<String, String> line = new LinkedHashMap<>();
        line.put("id", id);
        line.put("value", value);
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }
}
