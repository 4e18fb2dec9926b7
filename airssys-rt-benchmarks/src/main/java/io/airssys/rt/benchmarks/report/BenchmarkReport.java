package io.airssys.rt.benchmarks.report;

import io.airssys.rt.nats.testing.NatsServerBinary;
import io.airssys.rt.nats.testing.NatsServerNotInstalledException;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark report, the project's main job: runs every benchmark of airssys-rt and of
 * Apache Pekko in one invocation, measures memory, and prints one table per section of the
 * spec's "Performance Characteristics" ({@code metric | spec claim | airssys-rt | Pekko | ratio |
 * target met?}). Writes {@code report.md}, the JMH JSON files and PNG charts to
 * {@code -Dairssys.bench.out}.
 *
 * <p>Profiles ({@code -Dairssys.bench.profile}): {@code smoke} (CI: proves the harness runs;
 * its numbers mean little), {@code quick} (the default, about 10 minutes on 2 cores) and
 * {@code full} (3 forks everywhere, longer iterations). Latency benchmarks always use at
 * least 3 forks outside smoke: thread handoff on these VMs is bimodal per JVM run.
 *
 * <p>A third JMH run measures the distributed broker on a local 3-server NATS cluster beside raw
 * jnats ({@code io.airssys.rt.benchmarks.distributed}), only if {@code nats-server} is installed;
 * otherwise its section says it was skipped and how to install it.
 *
 * <p>Where a target is missed the table says so; nothing is tuned to pass.
 */
public final class BenchmarkReport {

    private static final String PKG = "io.airssys.rt.benchmarks.";

    private record Profile(String name, int forks, int latencyForks, int warmups, TimeValue warmupTime,
                           int iterations, TimeValue measureTime, String[] registered, int memoryActors) {
    }

    private static Profile profile(String name) {
        String[] allCounts = {"10", "100", "1000", "10000", "100000"};
        return switch (name) {
            case "smoke" -> new Profile(name, 1, 1, 1, TimeValue.milliseconds(200), 1, TimeValue.milliseconds(200),
                    new String[] {"10", "1000"}, 10_000);
            case "quick" -> new Profile(name, 1, 3, 3, TimeValue.seconds(1), 3, TimeValue.seconds(1), allCounts, 100_000);
            case "full" -> new Profile(name, 3, 3, 3, TimeValue.seconds(2), 5, TimeValue.seconds(2), allCounts, 100_000);
            default -> throw new IllegalArgumentException("unknown profile '" + name + "': smoke, quick or full");
        };
    }

    private BenchmarkReport() {
    }

    /**
     * Runs the report.
     *
     * @param args ignored; see the system properties above
     * @throws Exception if a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        Profile p = profile(System.getProperty("airssys.bench.profile", "quick"));
        Path out = Path.of(System.getProperty("airssys.bench.out", "target/benchmark-report"));
        Files.createDirectories(out);
        long start = System.nanoTime();
        System.out.println("airssys-rt benchmark report, profile " + p.name() + ", writing to " + out.toAbsolutePath());

        String natsSkipped = natsServerMissing();
        ReportProgress progress = plan(p, natsSkipped == null);
        System.out.println("[report] " + progress.plannedSteps() + " steps: memory, then one per benchmark run");

        progress.step("measuring memory (heap after GC)");
        Memory memory = measureMemory(p);

        System.out.println("running JMH: latency (" + p.latencyForks() + " forks)...");
        Results results = new Results();
        results.addAll(run(p, p.latencyForks(), LATENCY, out.resolve("jmh-latency.json"), progress));
        System.out.println("running JMH: throughput, breakdown, scalability, topics (" + p.forks() + " fork(s))...");
        results.addAll(run(p, p.forks(), OTHER, out.resolve("jmh-other.json"), progress));
        if (natsSkipped == null) {
            System.out.println("running JMH: distributed, a local 3-server NATS cluster per benchmark (" + p.forks()
                    + " fork(s))...");
            results.addAll(run(p, p.forks(), DISTRIBUTED, out.resolve("jmh-distributed.json"), progress));
        } else {
            System.out.println("distributed benchmarks " + natsSkipped);
        }
        System.out.println("[report] all " + progress.plannedSteps() + " steps done in "
                + ReportProgress.format(progress.elapsed()));

        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", JDK " + Runtime.version() + ", max heap per fork as configured";
        String report = new Tables(results, memory, p.registered(), natsSkipped).markdown(machine,
                (System.nanoTime() - start) / 1_000_000_000L);
        Files.writeString(out.resolve("report.md"), report);
        charts(results, memory, p, out);
        System.out.println();
        System.out.println(report);
        System.out.println("wrote " + out.resolve("report.md") + ", jmh-latency.json, jmh-other.json, "
                + (natsSkipped == null ? "jmh-distributed.json, " : "") + "latency-vs-actors.png, throughput-vs-actors.png");
    }

    /** Null if nats-server is installed, else why the distributed section is skipped. */
    private static String natsServerMissing() {
        try {
            NatsServerBinary.locate();
            return null;
        } catch (NatsServerNotInstalledException e) {
            return "skipped: nats-server not installed (scripts/ensure-nats-server.sh installs it)";
        }
    }

    /** The three JMH runs: latency (more forks), everything else in memory, and distributed. */
    private static final String LATENCY = "(RequestResponseBenchmark|pekko\\.PekkoAskBenchmark)\\.";
    private static final String OTHER = "(LatencyBreakdownBenchmark|ThroughputBenchmark|BroadcastBenchmark"
            + "|ScalabilityBenchmark|TopicRoutingBenchmark|PerActorTopicBenchmark|pekko\\.PekkoTellBenchmark"
            + "|pekko\\.PekkoThroughputBenchmark|pekko\\.PekkoBroadcastBenchmark)\\.";
    private static final String DISTRIBUTED = "distributed\\.";

    /** A guess at one fork's start (JVM, JIT, fixture): the pace corrects it as the run goes. */
    private static final Duration FORK_START = Duration.ofSeconds(2);
    /** A guess at the extra start of a distributed fork (three nats-server processes). */
    private static final Duration CLUSTER_START = Duration.ofSeconds(3);

    /** Every step of the run, with the time the profile plans for it (see {@link ReportProgress}). */
    private static ReportProgress plan(Profile p, boolean distributed) {
        ReportProgress progress = new ReportProgress(System.out, System::nanoTime);
        progress.plan(1, p.name().equals("smoke") ? Duration.ofSeconds(10) : Duration.ofSeconds(40));
        Map<String, String[]> overrides = Map.of("registered", p.registered());
        progress.plan(JmhProgress.countRuns(PKG + LATENCY, overrides), perRun(p, p.latencyForks(), Duration.ZERO));
        progress.plan(JmhProgress.countRuns(PKG + OTHER, overrides), perRun(p, p.forks(), Duration.ZERO));
        if (distributed) {
            progress.plan(JmhProgress.countRuns(PKG + DISTRIBUTED, overrides), perRun(p, p.forks(), CLUSTER_START));
        }
        return progress;
    }

    private static Duration perRun(Profile p, int forks, Duration extraPerFork) {
        Duration fork = toDuration(p.warmupTime()).multipliedBy(p.warmups())
                .plus(toDuration(p.measureTime()).multipliedBy(p.iterations()))
                .plus(FORK_START).plus(extraPerFork);
        return fork.multipliedBy(forks);
    }

    private static Duration toDuration(TimeValue t) {
        return Duration.ofNanos(t.convertTo(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private static Collection<RunResult> run(Profile p, int forks, String include, Path json,
                                             ReportProgress progress) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(PKG + include)
                .forks(forks)
                .warmupIterations(p.warmups())
                .warmupTime(p.warmupTime())
                .measurementIterations(p.iterations())
                .measurementTime(p.measureTime())
                .jvmArgsAppend("-Xmx4g", "-Xms1g")
                .param("registered", p.registered())
                .shouldFailOnError(true)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        return new Runner(o.build(), new JmhProgress(System.out, progress)).run();
    }

    // ------------------------------------------------------------------ memory

    /** Memory figures, in bytes. */
    record Memory(double brokerBase, double routingEntry, double idleActor, double pekkoIdleActor,
                  Map<Integer, Long> brokerWithActors) {
    }

    private static Memory measureMemory(Profile p) {
        int n = p.memoryActors();
        double base = MemoryFootprint.brokerBase();
        double entry = MemoryFootprint.routingEntry(n);
        double actor = MemoryFootprint.idleActors(n) / (double) n;
        double pekko = MemoryFootprint.pekkoClassicActor(Math.min(n, 100_000));
        Map<Integer, Long> scaling = new TreeMap<>();
        for (String count : p.registered()) {
            int c = Integer.parseInt(count);
            scaling.put(c, MemoryFootprint.idleActors(c));
        }
        return new Memory(base, entry, actor, pekko, scaling);
    }

    // ------------------------------------------------------------------ results

    /** Looks results up by benchmark method and parameters. */
    static final class Results {
        private final Map<String, RunResult> byKey = new LinkedHashMap<>();

        void addAll(Collection<RunResult> runs) {
            for (RunResult r : runs) {
                String bench = r.getParams().getBenchmark().substring(PKG.length());
                StringBuilder key = new StringBuilder(bench);
                for (String name : new TreeMap<>(paramsOf(r)).keySet()) {
                    String value = r.getParams().getParam(name);
                    if (name.equals("instrumentation") && value.equals("none")) {
                        continue; // the plain figure: looked up without naming the parameter
                    }
                    key.append(';').append(name).append('=').append(value);
                }
                byKey.put(key.toString(), r);
            }
        }

        private static Map<String, String> paramsOf(RunResult r) {
            Map<String, String> m = new TreeMap<>();
            for (String k : r.getParams().getParamsKeys()) {
                m.put(k, r.getParams().getParam(k));
            }
            return m;
        }

        /** Returns the run of a benchmark with the given "name=value" parameters, or null. */
        RunResult get(String bench, String... params) {
            StringBuilder key = new StringBuilder(bench);
            String[] sorted = params.clone();
            java.util.Arrays.sort(sorted);
            for (String p : sorted) {
                key.append(';').append(p);
            }
            return byKey.get(key.toString());
        }

        /** Mean score (ns/op, ops/s ...), NaN if missing. */
        double score(String bench, String... params) {
            RunResult r = get(bench, params);
            return r == null ? Double.NaN : r.getPrimaryResult().getScore();
        }

        /** Percentile of a sample-time benchmark, NaN if missing. */
        double percentile(double pct, String bench, String... params) {
            RunResult r = get(bench, params);
            return r == null ? Double.NaN : r.getPrimaryResult().getStatistics().getPercentile(pct);
        }

        /**
         * How far apart the measurements of one figure are: max / min over every iteration of
         * every fork (each iteration's median for sample-time benchmarks). A bimodal VM shows
         * up here as a spread of 3x or more; NaN if the benchmark is missing.
         */
        double spread(String bench, String... params) {
            RunResult r = get(bench, params);
            if (r == null) {
                return Double.NaN;
            }
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                boolean sample = fork.getParams().getMode().shortLabel().equals("sample");
                for (org.openjdk.jmh.results.IterationResult it : fork.getIterationResults()) {
                    Result<?> res = it.getPrimaryResult();
                    double v = sample ? res.getStatistics().getPercentile(50) : res.getScore();
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            return lo > 0 ? hi / lo : Double.POSITIVE_INFINITY;
        }

        /** [min, max] over forks of each fork's median (sample time), or over iterations. */
        double[] range(String bench, String... params) {
            RunResult r = get(bench, params);
            if (r == null) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                Result<?> res = fork.getPrimaryResult();
                double v = res.getStatistics().getN() > 0 && res.getScoreUnit().contains("/op")
                        && fork.getParams().getMode().shortLabel().equals("sample")
                        ? res.getStatistics().getPercentile(50) : res.getScore();
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return new double[] {lo, hi};
        }
    }

    // ------------------------------------------------------------------ charts

    private static void charts(Results r, Memory memory, Profile p, Path out) throws IOException {
        Map<String, double[][]> latency = new LinkedHashMap<>();
        List<double[]> lat = new ArrayList<>();
        List<double[]> latDefault = new ArrayList<>();
        List<double[]> mem = new ArrayList<>();
        for (String count : p.registered()) {
            double n = Double.parseDouble(count);
            lat.add(new double[] {n, r.score("ScalabilityBenchmark.sendToRandomActor", "registered=" + count,
                    "setting=low-latency")});
            latDefault.add(new double[] {n, r.score("ScalabilityBenchmark.sendToRandomActor", "registered=" + count,
                    "setting=default")});
            Long bytes = memory.brokerWithActors().get(Integer.parseInt(count));
            mem.add(new double[] {n, bytes == null ? Double.NaN : bytes / n});
        }
        latency.put("airssys-rt send latency (ns, low-latency setting)", lat.toArray(double[][]::new));
        latency.put("airssys-rt send latency (ns, default setting)", latDefault.toArray(double[][]::new));
        latency.put("airssys-rt bytes per idle actor", mem.toArray(double[][]::new));
        Charts.lines(out.resolve("latency-vs-actors.png"), "Request-response latency and memory vs registered actors",
                "registered actors", "ns per round trip / bytes per actor", latency, true);

        Map<String, double[][]> throughput = new LinkedHashMap<>();
        String[] counts = {"1", "4", "16"};
        throughput.put("airssys-rt", points(counts, c -> r.score("ThroughputBenchmark.fireAndForgetProcessed", "actors=" + c)));
        for (String s : List.of("classic-default", "classic-tuned", "typed-tuned")) {
            throughput.put("Pekko " + s, points(counts, c -> r.score("pekko.PekkoThroughputBenchmark.tellProcessed",
                    "actors=" + c, "setting=" + s)));
        }
        Charts.lines(out.resolve("throughput-vs-actors.png"), "Fire-and-forget messages processed per second",
                "independent actors", "messages per second", throughput, false);
    }

    private static double[][] points(String[] xs, java.util.function.ToDoubleFunction<String> y) {
        double[][] pts = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            pts[i] = new double[] {Double.parseDouble(xs[i]), y.applyAsDouble(xs[i])};
        }
        return pts;
    }

    static String fmtNs(double ns) {
        if (Double.isNaN(ns)) {
            return "n/a";
        }
        if (ns >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", ns / 1_000_000);
        }
        if (ns >= 10_000) {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1_000);
        }
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }

    static String fmtRate(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "n/a";
        }
        if (perSecond >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f M/s", perSecond / 1_000_000);
        }
        return String.format(Locale.ROOT, "%.0f k/s", perSecond / 1_000);
    }

    static String fmtRatio(double r) {
        return Double.isNaN(r) || Double.isInfinite(r) ? "n/a" : String.format(Locale.ROOT, "%.1fx", r);
    }

    static String today() {
        return LocalDate.now().toString();
    }
}
