package io.airssys.rt.jcstress;

import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs this module's jcstress tests and fails (exit code 1) if any test failed or erred;
 * jcstress itself reports failures but always exits normally.
 */
public final class QuickRun {

    private static final Pattern RESULTS =
            Pattern.compile("(\\d+) passed, (\\d+) failed, (\\d+) soft errs, (\\d+) hard errs");

    private QuickRun() {
    }

    /**
     * Runs the tests.
     *
     * @param args the jcstress mode: sanity, quick (CI), default, tough
     * @throws Exception if jcstress cannot run
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "quick";
        PrintStream console = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(console, copy), true, StandardCharsets.UTF_8));
        try {
            Options opts = new Options(new String[] {"-m", mode, "-t", "io\\.airssys\\.rt\\.jcstress\\."});
            if (!opts.parse()) {
                throw new IllegalArgumentException("bad jcstress options");
            }
            new JCStress(opts).run();
        } finally {
            System.out.flush();
            System.setOut(console);
        }
        Matcher m = RESULTS.matcher(copy.toString(StandardCharsets.UTF_8));
        String last = null;
        while (m.find()) {
            last = m.group();
            if (Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4)) > 0) {
                last = "FAIL " + last;
            }
        }
        if (last == null) {
            console.println("jcstress: no result line found");
            System.exit(1);
        }
        console.println("jcstress summary: " + last);
        if (last.startsWith("FAIL") || last.startsWith("0 passed")) {
            System.exit(1);
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
