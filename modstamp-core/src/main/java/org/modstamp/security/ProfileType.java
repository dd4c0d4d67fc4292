package org.modstamp.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The encryption of a security profile, selected by the signature character of a datagram's header. */
public enum ProfileType {
    /** No encryption: accepts the signatures "" and "p"; sends "" (a header of length 0). */
    PLAIN("plain", "p", false),
    /**
     * Authenticated encryption (ChaCha20-Poly1305) with a pre-shared key per profile id, a timestamp and a
     * random nonce per datagram (docs/aead-profile.md); signature "a".
     */
    AEAD("aead", "a", true);

    private final String configName;
    private final String signature;
    private final boolean protectedType;

    ProfileType(String configName, String signature, boolean protectedType) {
        this.configName = configName;
        this.signature = signature;
        this.protectedType = protectedType;
    }

    public String configName() {
        return configName;
    }

    /** Whether the payload is authenticated, which is what makes rw safe beyond trusted addresses. */
    public boolean isProtected() {
        return protectedType;
    }

    /** The signature this type puts in the headers it sends ("" for plain). */
    public String sendSignature() {
        return this == PLAIN ? "" : signature;
    }

    public boolean acceptsSignature(String received) {
        return received.equals(signature) || (this == PLAIN && received.isEmpty());
    }

    public static Optional<ProfileType> ofConfigName(String name) {
        return Arrays.stream(values()).filter(t -> t.configName.equals(name)).findFirst();
    }

    public static String allowedNames() {
        return Arrays.stream(values()).map(ProfileType::configName).collect(Collectors.joining(", "));
    }
}
