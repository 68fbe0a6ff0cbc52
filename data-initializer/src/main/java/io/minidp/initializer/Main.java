package io.minidp.initializer;

import io.minidp.common.app.ServiceMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the CSV files of the input folder into PostgreSQL tables, once. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        ServiceMain.run("data-initializer", InitializerConfig::read, config -> {
            report(new Initializer(config).run());
            return 0;
        });
    }

    static void report(Initializer.Result result) {
        for (Initializer.Outcome o : result.tables()) {
            switch (o.action()) {
                case CREATED -> LOG.info("  {}: created, {} rows loaded", o.table(), o.rows());
                case FILLED_EMPTY_TABLE -> LOG.info("  {}: existed empty, {} rows loaded", o.table(), o.rows());
                case UNCHANGED -> LOG.info("  {}: already loaded, left unchanged", o.table());
                case EVOLVED -> LOG.info("  {}: already loaded, and changed since in the database ({}); left as it is",
                        o.table(), String.join("; ", o.changes()));
            }
        }
        if (result.changedNothing()) {
            long evolved = result.tables().stream().filter(o -> o.action() == Initializer.Action.EVOLVED).count();
            if (evolved == 0) {
                LOG.info("Nothing to do: all {} tables already exist with the shape of their files; the database was not"
                        + " changed.", result.tables().size());
            } else {
                LOG.info("Nothing to do: all {} tables were loaded before ({} changed since in the database); the database"
                        + " was not changed.", result.tables().size(), evolved);
            }
        }
    }
}
