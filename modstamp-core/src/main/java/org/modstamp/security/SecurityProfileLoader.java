package org.modstamp.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads a security profile list from JSON or YAML: a list of entries
 * {@code {encryption, permission, id?, hosts?, ids?}}. Every mistake is reported with the entry's number
 * (1-based) and the field, and nothing is half-loaded.
 */
public final class SecurityProfileLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("encryption", "permission", "id", "hosts", "ids", "keys", "version");

    public enum Format { JSON, YAML }

    private SecurityProfileLoader() {
    }

    /** Loads a file; {@code .json} is read as JSON, anything else as YAML (of which JSON is a subset). */
    public static SecurityProfiles load(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Format format = name.endsWith(".json") ? Format.JSON : Format.YAML;
        try {
            return parse(Files.readString(file), format);
        } catch (InvalidProfileException e) {
            throw new InvalidProfileException(file + ": " + e.getMessage(), e);
        }
    }

    public static SecurityProfiles parse(String text, Format format) {
        JsonNode root;
        try {
            root = (format == Format.JSON ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidProfileException("not valid " + format + ": " + e.getOriginalMessage()
                    + locationOf(e), e);
        }
        if (root == null || !root.isArray()) {
            throw new InvalidProfileException("a security profile list must be a " + format
                    + " list of entries {encryption, permission, id?, hosts?, ids?}");
        }
        if (root.isEmpty()) {
            throw new InvalidProfileException("the security profile list is empty: it would refuse every datagram");
        }
        List<SecurityProfile> profiles = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            profiles.add(entry(root.get(i), i + 1));
        }
        return new SecurityProfiles(profiles);
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static SecurityProfile entry(JsonNode node, int number) {
        String where = "security profile entry " + number;
        if (!node.isObject()) {
            throw new InvalidProfileException(where + ": must be an object {encryption, permission, id?, hosts?, ids?}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new InvalidProfileException(where + ": unknown field '" + field
                        + "' (allowed: encryption, permission, id, hosts, ids, keys, version)");
            }
        }
        String encryption = text(node, "encryption", where, true);
        ProfileType type = ProfileType.ofConfigName(encryption).orElseThrow(() -> new InvalidProfileException(
                where + ", field 'encryption': '" + encryption + "' is not one of " + ProfileType.allowedNames()));
        checkVersion(node.get("version"), type, where);
        String permissionName = text(node, "permission", where, false);
        Permission permission = permissionName == null ? Permission.DEFAULT
                : Permission.ofConfigName(permissionName).orElseThrow(() -> new InvalidProfileException(
                        where + ", field 'permission': '" + permissionName + "' is not one of "
                                + Permission.allowedNames()));
        String id = text(node, "id", where, false);
        if (id != null && (id.isEmpty() || id.length() > 254)) {
            throw new InvalidProfileException(where + ", field 'id': a profile id is 1..254 characters");
        }
        List<byte[]> keys = keys(node.get("keys"), where);
        try {
            return new SecurityProfile(type, permission, id, hosts(node.get("hosts"), where), keys,
                    ids(node.get("ids"), where));
        } catch (IllegalArgumentException e) {
            throw new InvalidProfileException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * The optional {@code version} of an aead entry: only {@value Aead#VERSION} is spoken; version 1 (random
     * nonces under the shared key, replay state keyed by source address) is refused with what to change.
     */
    private static void checkVersion(JsonNode node, ProfileType type, String where) {
        if (node == null || node.isNull()) {
            return;
        }
        if (type != ProfileType.AEAD) {
            throw new InvalidProfileException(where + ", field 'version': only an aead entry has a version");
        }
        if (node.isInt() && node.asInt() == Aead.VERSION) {
            return;
        }
        if (node.isInt() && node.asInt() == 1) {
            throw new InvalidProfileException(where + ", field 'version': aead version 1 is no longer spoken (its "
                    + "nonces were random under the one shared key and its replay protection trusted source "
                    + "addresses); remove 'version: 1' or write 'version: " + Aead.VERSION + "', and upgrade every "
                    + "peer of this profile at the same time: version 1 and version 2 peers cannot read each other "
                    + "(docs/aead-profile.md)");
        }
        throw new InvalidProfileException(where + ", field 'version': " + node + " is not a version of aead; the "
                + "only one is " + Aead.VERSION);
    }

    /** The base64 keys of an encrypted profile; the message never shows a key. */
    private static List<byte[]> keys(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidProfileException(where + ", field 'keys': must be a list of base64 keys");
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                keys.add(java.util.Base64.getDecoder().decode(node.get(i).asText().trim()));
            } catch (IllegalArgumentException e) {
                throw new InvalidProfileException(where + ", field 'keys', item " + (i + 1) + ": not base64");
            }
        }
        return keys;
    }

    private static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidProfileException(where + ": field '" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidProfileException(where + ", field '" + field + "': must be a string, not " + value);
        }
        return value.asText();
    }

    /** The optional {@code ids}: a non-empty list of ids and prefixes ending with {@code *}. */
    private static IdScope ids(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return IdScope.ALL;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidProfileException(where + ", field 'ids': must be a non-empty list of ids or prefixes "
                    + "ending with * (public.*, say)");
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new InvalidProfileException(where + ", field 'ids', item " + (i + 1) + ": must be a string");
            }
            patterns.add(node.get(i).asText());
        }
        try {
            return new IdScope(patterns);
        } catch (IllegalArgumentException e) {
            throw new InvalidProfileException(where + ", field 'ids': " + e.getMessage(), e);
        }
    }

    private static List<HostPattern> hosts(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidProfileException(where + ", field 'hosts': must be a list of addresses or CIDR ranges");
        }
        List<HostPattern> hosts = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode host = node.get(i);
            if (!host.isTextual()) {
                throw new InvalidProfileException(where + ", field 'hosts', item " + (i + 1)
                        + ": must be a string, not " + host);
            }
            try {
                hosts.add(HostPattern.parse(host.asText()));
            } catch (IllegalArgumentException e) {
                throw new InvalidProfileException(where + ", field 'hosts', item " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (hosts.isEmpty()) {
            throw new InvalidProfileException(where + ", field 'hosts': an empty list matches no sender; "
                    + "leave the field out to match every sender");
        }
        return hosts;
    }
}
