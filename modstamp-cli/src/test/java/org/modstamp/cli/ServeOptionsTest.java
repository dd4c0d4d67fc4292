package org.modstamp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.modstamp.server.settings.Setting;
import org.modstamp.server.settings.Settings;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The options of {@code serve} are the settings {@link Settings} declares with an option, and its own (a store it switches to, help, debug). */
class ServeOptionsTest {
    private static final Set<String> FLAGS_OF_SERVE = Set.of("--help", "--version", "--memory", "--jdbc", "--debug");

    @Test
    void everyOptionIsADeclaredSettingAndEveryDeclaredOptionExists() {
        Set<String> options = new TreeSet<>();
        for (OptionSpec option : new CommandLine(new ServeCommand()).getCommandSpec().options()) {
            if (!FLAGS_OF_SERVE.contains(option.longestName())) {
                options.add(option.longestName());
            }
        }
        Set<String> declared = new TreeSet<>();
        Settings.ALL.stream().map(Setting::option).filter(o -> o != null).forEach(declared::add);
        assertEquals(declared, options);
    }

    @Test
    void theHelpOfEveryOptionIsItsDeclaredHelp() {
        CommandLine serve = new CommandLine(new ServeCommand());
        for (Setting setting : Settings.ALL) {
            if (setting.option() != null) {
                OptionSpec option = serve.getCommandSpec().findOption(setting.option());
                String defaultValue = String.valueOf(setting.defaultValue());
                assertEquals(setting.help().replace("${DEFAULT-VALUE}", defaultValue), String.join(" ", option.description()),
                        setting.option());
            }
        }
    }
}
