package org.modstamp.server.settings;

/**
 * One setting of a server, as {@link Settings} declares it.
 *
 * @param name         the WAR's MicroProfile Config property ({@code modstamp.listen})
 * @param option       the option of {@code modstamp serve} that gives it ({@code --listen}); null when none does
 * @param defaultValue its default; null when it is optional (not given: not used)
 * @param limit        the record component of {@code AbuseLimits} it sets; null for the others
 * @param help         what it means, as {@code serve --help} shows it (with picocli's {@code ${DEFAULT-VALUE}})
 */
public record Setting(String name, String option, String defaultValue, String limit, String help) {
    /** The help without the part that shows the default: what the docs' tables say it means. */
    public String meaning() {
        return help.replaceAll(" ?\\(default: \\$\\{DEFAULT-VALUE}[^)]*\\)", "");
    }
}
