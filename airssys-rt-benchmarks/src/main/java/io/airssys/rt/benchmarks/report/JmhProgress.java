package io.airssys.rt.benchmarks.report;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JMH side of {@link ReportProgress}: how many benchmark runs an include pattern selects
 * (for the plan), and a JMH {@link OutputFormat} that prints JMH's usual output and starts a
 * progress step as each benchmark run starts.
 *
 * <p>A run is one benchmark method in one mode with one combination of parameter values, as
 * JMH's runner expands them: the {@code @Param} values of the generated benchmark list, except
 * where the report's options override a parameter ({@code registered}); an option for a
 * parameter the benchmark does not have changes nothing, as in JMH.
 */
final class JmhProgress implements OutputFormat {

    private final OutputFormat jmh;
    private final ReportProgress progress;

    /**
     * @param out where JMH's own output goes (as {@code new Runner(options)} would print it)
     * @param progress the report's progress, one step per benchmark run
     */
    JmhProgress(PrintStream out, ReportProgress progress) {
        this.jmh = OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL);
        this.progress = progress;
    }

    /**
     * How many runs the benchmarks matching {@code include} make.
     *
     * @param include a JMH include pattern (a regular expression on the benchmark's name)
     * @param overrides parameter values the options set, by parameter name
     */
    static int countRuns(String include, Map<String, String[]> overrides) {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        int runs = 0;
        for (BenchmarkListEntry entry : BenchmarkList.defaultList().find(silent, List.of(include), List.of())) {
            int combinations = 1;
            Map<String, String[]> params = entry.getParams().orElse(Map.of());
            for (Map.Entry<String, String[]> p : new TreeMap<>(params).entrySet()) {
                String[] values = overrides.getOrDefault(p.getKey(), p.getValue());
                combinations *= Math.max(1, values.length);
            }
            runs += combinations;
        }
        return runs;
    }

    /** {@code ThroughputBenchmark.fireAndForgetProcessed (actors=4)}. */
    static String describe(BenchmarkParams params) {
        String name = params.getBenchmark();
        String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        StringBuilder s = new StringBuilder(shortName);
        Collection<String> keys = params.getParamsKeys();
        if (!keys.isEmpty()) {
            s.append(" (");
            String sep = "";
            for (String k : keys) {
                s.append(sep).append(k).append('=').append(params.getParam(k));
                sep = ", ";
            }
            s.append(')');
        }
        return s.toString();
    }

    @Override
    public void startBenchmark(BenchmarkParams benchmarkParams) {
        progress.step(describe(benchmarkParams));
        jmh.startBenchmark(benchmarkParams);
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        jmh.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration,
                                IterationResult data) {
        jmh.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        jmh.endBenchmark(result);
    }

    @Override
    public void startRun() {
        jmh.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        jmh.endRun(result);
    }

    @Override
    public void print(String s) {
        jmh.print(s);
    }

    @Override
    public void println(String s) {
        jmh.println(s);
    }

    @Override
    public void flush() {
        jmh.flush();
    }

    /** Flushes only: JMH's output here is the report's System.out, which must stay open. */
    @Override
    public void close() {
        jmh.flush();
    }

    @Override
    public void verbosePrintln(String s) {
        jmh.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        jmh.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        jmh.write(b);
    }
}
