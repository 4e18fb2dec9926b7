package io.airssys.rt.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything logged through {@code java.util.logging} (where {@link System.Logger} goes when no other
 * backend is installed, as in this module's tests) while it is open, at every level, with each record's
 * message formatted and its exception chain's messages appended: what a user's log file would hold.
 */
final class CapturedLogs implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final List<Logger> opened = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + ": "
                    + formatter.formatMessage(record));
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Captures the loggers named (and their children) at every level, and whatever reaches the root. */
    CapturedLogs(String... loggers) {
        handler.setLevel(Level.ALL);
        for (String name : loggers) {
            Logger logger = Logger.getLogger(name);
            opened.add(logger);
            levels.add(logger.getLevel());
            logger.setLevel(Level.ALL);
        }
        root.addHandler(handler);
    }

    /** The lines captured so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The captured lines that contain {@code text}. */
    List<String> containing(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        for (int i = 0; i < opened.size(); i++) {
            opened.get(i).setLevel(levels.get(i));
        }
    }
}
