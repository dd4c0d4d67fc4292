package org.modstamp.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a security profile lets a sender do. */
public enum Permission {
    NONE("none"),
    READ_ONLY("ro"),
    READ_WRITE("rw"),
    /** rw for protected (encrypted) profile types, ro for plain. */
    DEFAULT("default");

    private final String configName;

    Permission(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public boolean canRead() {
        return this == READ_ONLY || this == READ_WRITE;
    }

    public boolean canWrite() {
        return this == READ_WRITE;
    }

    public static Optional<Permission> ofConfigName(String name) {
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return Arrays.stream(values()).map(Permission::configName).collect(Collectors.joining(", "));
    }
}
