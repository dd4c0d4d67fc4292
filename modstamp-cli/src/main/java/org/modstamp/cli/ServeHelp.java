package org.modstamp.cli;

import java.util.ListResourceBundle;

import org.modstamp.server.settings.Setting;
import org.modstamp.server.settings.Settings;

/** The help of {@code serve}'s options, picocli's resource bundle: each setting's help, as {@link Settings} declares it. */
public final class ServeHelp extends ListResourceBundle {
    @Override
    protected Object[][] getContents() {
        return Settings.ALL.stream().filter(setting -> setting.option() != null)
                .map(setting -> new Object[] {keyOf(setting), setting.help()})
                .toArray(Object[][]::new);
    }

    /** The key picocli looks a help up by: the option without its dashes. */
    static String keyOf(Setting setting) {
        return setting.option().substring(2);
    }
}
