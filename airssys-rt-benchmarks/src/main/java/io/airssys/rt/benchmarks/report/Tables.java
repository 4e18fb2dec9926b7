package io.airssys.rt.benchmarks.report;

import java.util.Locale;

import static io.airssys.rt.benchmarks.report.BenchmarkReport.fmtNs;
import static io.airssys.rt.benchmarks.report.BenchmarkReport.fmtRate;
import static io.airssys.rt.benchmarks.report.BenchmarkReport.fmtRatio;

/**
 * Builds the report's tables, one per section of the spec's "Performance Characteristics",
 * each row {@code metric | spec claim | airssys-rt | Pekko | ratio | target met?}. Ratios are
 * "how many times better airssys-rt is": Pekko time / our time, or our rate / Pekko rate.
 */
final class Tables {

    private static final String RR = "RequestResponseBenchmark.roundTrip";
    private static final String ASK = "pekko.PekkoAskBenchmark.ask";
    private static final String BREAK = "LatencyBreakdownBenchmark.";
    private static final String TPUT = "ThroughputBenchmark.fireAndForgetProcessed";
    private static final String PTPUT = "pekko.PekkoThroughputBenchmark.tellProcessed";
    private static final String BC = "BroadcastBenchmark.";
    private static final String PBC = "pekko.PekkoBroadcastBenchmark.";
    private static final String SCALE = "ScalabilityBenchmark.sendToRandomActor";
    private static final String TOPIC = "TopicRoutingBenchmark.";
    private static final String PER_ACTOR = "PerActorTopicBenchmark.";
    private static final String DIST = "distributed.";
    private static final String REMOTE_RR = DIST + "RemoteRequestResponseBenchmark.roundTrip";
    private static final String RAW_RR = DIST + "RawJnatsRequestReplyBenchmark.requestReply";
    private static final String REMOTE_TPUT = DIST + "RemoteThroughputBenchmark.fireAndForgetProcessed";
    private static final String RAW_PUB = DIST + "RawJnatsPublishBenchmark.publishReceived";
    private static final String REMOTE_BC = DIST + "RemoteBroadcastBenchmark.";
    private static final String REMOTE_REG = DIST + "RemoteRegistrationBenchmark.register";
    /** The distributed benchmarks report microseconds; the formatting here takes nanoseconds. */
    private static final double NS_PER_US = 1_000;

    private final BenchmarkReport.Results r;
    private final BenchmarkReport.Memory m;
    private final String[] registered;
    private final String distributedSkipped;
    private final StringBuilder md = new StringBuilder();

    /**
     * @param distributedSkipped why the distributed benchmarks did not run (shown in their section),
     *                           or null if they ran
     */
    Tables(BenchmarkReport.Results results, BenchmarkReport.Memory memory, String[] registered,
           String distributedSkipped) {
        this.r = results;
        this.m = memory;
        this.registered = registered.clone();
        this.distributedSkipped = distributedSkipped;
    }

    private void header(String title, String note) {
        header(title, note, "spec claim", "Pekko");
    }

    private void header(String title, String note, String claim, String other) {
        md.append("\n### ").append(title).append("\n\n");
        if (note != null) {
            md.append(note).append("\n\n");
        }
        md.append("| metric | ").append(claim).append(" | airssys-rt | ").append(other).append(" | ratio | target met? |\n");
        md.append("|---|---|---|---|---|---|\n");
    }

    private void row(String metric, String spec, String ours, String pekko, String ratio, String target) {
        md.append("| ").append(metric).append(" | ").append(spec).append(" | ").append(ours).append(" | ")
                .append(pekko).append(" | ").append(ratio).append(" | ").append(target).append(" |\n");
    }

    private static String verdict(boolean met, String target) {
        return (met ? "yes" : "**NO**") + " (" + target + ")";
    }

    /** Measurements more than this many times apart are not judged. */
    private static final double UNSTABLE_SPREAD = 3;

    /**
     * A verdict only on stable inputs: if any input's measurements spread {@value #UNSTABLE_SPREAD}x
     * or more (a bimodal or busy machine), no verdict is given.
     */
    private String judged(boolean met, String target, String[]... inputs) {
        for (String[] in : inputs) {
            double spread = r.spread(in[0], java.util.Arrays.copyOfRange(in, 1, in.length));
            if (!(spread < UNSTABLE_SPREAD)) {
                return "unstable (" + in[0].replaceAll(".*\\.", "") + " spread "
                        + String.format(Locale.ROOT, "%.1fx", spread) + "), re-run on an idle machine (" + target + ")";
            }
        }
        return verdict(met, target);
    }

    private static String[] in(String bench, String... params) {
        String[] all = new String[params.length + 1];
        all[0] = bench;
        System.arraycopy(params, 0, all, 1, params.length);
        return all;
    }

    /**
     * Whether a low-latency round trip measured by another benchmark (its control) is within
     * {@value #UNSTABLE_SPREAD}x of the request-response benchmark's median: both time the
     * same thing, so a control far off means a busy or bimodal machine.
     */
    private boolean controlOk(double roundTrip) {
        double reference = r.percentile(50, RR, "setting=low-latency");
        return roundTrip / reference < UNSTABLE_SPREAD && reference / roundTrip < UNSTABLE_SPREAD;
    }

    /** A heap figure that cannot be right (negative, or not measured) is shown as an error. */
    private static boolean plausible(double bytes) {
        return bytes >= 0 && !Double.isNaN(bytes);
    }

    private static String bytesOrError(double bytes) {
        return plausible(bytes) ? Math.round(bytes) + " B"
                : "measurement error (" + Math.round(bytes) + " B; re-run on an idle machine)";
    }

    private String sampled(String bench, String... params) {
        double med = r.percentile(50, bench, params);
        double p99 = r.percentile(99, bench, params);
        double[] range = r.range(bench, params);
        return fmtNs(med) + " median, p99 " + fmtNs(p99) + ", fork medians " + fmtNs(range[0]) + "–" + fmtNs(range[1]);
    }

    String markdown(String machine, long seconds) {
        md.append("# airssys-rt benchmark report\n\n");
        md.append("Measured ").append(BenchmarkReport.today()).append(" on ").append(machine).append(", in one run of ")
                .append(seconds).append(" s (airssys-rt and Apache Pekko 1.7.0 side by side). ")
                .append("Ratios are how many times better airssys-rt is. Spec claims were never measured upstream.\n");
        latency();
        throughput();
        scalability();
        memory();
        topics();
        distributed();
        md.append("\nSettings: **default** = `ActorSystem.create()` (ForkJoinPool, one thread per core, 30 s timeout ")
                .append("timer per request, 20 µs caller spin); **low-latency** = one dispatcher thread spinning 50 µs ")
                .append("before parking (`spinningDispatcher`), 50 µs caller spin (`joinSpin`), no default timeout. ")
                .append("Pekko **tuned** = `pekko.actor.default-dispatcher.throughput = 100` (default 5).\n");
        return md.toString();
    }

    private void latency() {
        header("Latency breakdown and send latency", "Spec: InMemoryMessageBroker \"Performance Characteristics\" and "
                + "\"Latency Breakdown\". Round trips are sampled (median and p99, range of the per-fork medians).");
        double lookup = r.score(BREAK + "routingLookup");
        double lookupEnqueue = r.score(BREAK + "lookupAndEnqueue");
        double perMessage = 1e9 / r.score(TPUT, "actors=1");
        double lowMedian = r.percentile(50, RR, "setting=low-latency");
        double defMedian = r.percentile(50, RR, "setting=default");
        double askClassic = r.percentile(50, ASK, "setting=classic-default");
        double askBest = Math.min(Math.min(askClassic, r.percentile(50, ASK, "setting=classic-tuned")),
                Math.min(r.percentile(50, ASK, "setting=typed-default"), r.percentile(50, ASK, "setting=typed-tuned")));
        row("routing lookup (`isRegistered`)", "~50 ns", fmtNs(lookup), "–", "–", "info");
        row("mailbox enqueue (try-send into an idle mailbox, minus the lookup)", "~181 ns",
                fmtNs(lookupEnqueue - lookup), "–", "–", "info");
        row("actor processing (1 / one-actor throughput)", "~400 ns", fmtNs(perMessage), "–", "–", "info");
        double result = lowMedian - lookupEnqueue - perMessage;
        row("result return (derived: low-latency round trip − enqueue − processing)", "~106 ns",
                result > 0 ? fmtNs(result) : "< 0 (the parts overlap)", "–", "–", "info");
        row("request-response round trip, **low-latency** setting", "~737 ns", sampled(RR, "setting=low-latency"),
                fmtNs(askBest) + " (best Pekko ask median)", fmtRatio(askBest / lowMedian),
                judged(lowMedian <= 737, "≤ 737 ns median", in(RR, "setting=low-latency")));
        row("request-response round trip, **default** setting", "~737 ns", sampled(RR, "setting=default"),
                fmtNs(askClassic) + " (classic, default config)", fmtRatio(askClassic / defMedian),
                judged(askClassic / defMedian >= 5, "≥ 5x faster than Pekko ask", in(RR, "setting=default")));
        for (String s : new String[] {"classic-tuned", "typed-default", "typed-tuned"}) {
            double pekko = r.percentile(50, ASK, "setting=" + s);
            row("Pekko ask, " + s, "–", "–", sampled(ASK, "setting=" + s), fmtRatio(pekko / defMedian) + " vs default",
                    "info");
        }
        double noopMedian = r.percentile(50, RR, "setting=default", "instrumentation=noop");
        row("request-response round trip, default setting, **no-op instrumentation** installed", "–",
                sampled(RR, "setting=default", "instrumentation=noop"), "–", fmtRatio(noopMedian / defMedian)
                        + " of the plain median (what calling the hooks costs)", "info");
        double trySend = r.score(BREAK + "trySend");
        double tell = Math.min(r.score("pekko.PekkoTellBenchmark.tell", "setting=classic-default"),
                r.score("pekko.PekkoTellBenchmark.tell", "setting=classic-tuned"));
        row("try_send to a live actor (mean)", "~181 ns", fmtNs(trySend), fmtNs(tell) + " (best tell)",
                fmtRatio(tell / trySend), judged(trySend <= 181, "≤ 181 ns", in(BREAK + "trySend")));
    }

    private void throughput() {
        header("Throughput", "Spec: \"Throughput\". Fire-and-forget messages counted only once processed; "
                + "broadcasts gather every reply. Pekko's figure is its best configuration unless noted.");
        String[][] counts = {{"1", "4.7M", "4.7e6"}, {"4", "18M", "0"}, {"16", "45M", "0"}};
        for (String[] c : counts) {
            double ours = r.score(TPUT, "actors=" + c[0]);
            double tuned = r.score(PTPUT, "actors=" + c[0], "setting=classic-tuned");
            double typedTuned = r.score(PTPUT, "actors=" + c[0], "setting=typed-tuned");
            double classicDefault = r.score(PTPUT, "actors=" + c[0], "setting=classic-default");
            double best = Math.max(tuned, Math.max(typedTuned, classicDefault));
            double floor = Double.parseDouble(c[2]);
            boolean met = ours / tuned >= 1.5 && (floor == 0 || ours >= floor);
            row(c[0] + " actor(s), fire-and-forget processed", c[1] + " msg/s", fmtRate(ours),
                    fmtRate(tuned) + " classic tuned (best " + fmtRate(best) + ")", fmtRatio(ours / tuned),
                    judged(met, (floor == 0 ? "" : "≥ " + c[1] + " and ") + "≥ 1.5x Pekko tuned",
                            in(TPUT, "actors=" + c[0]), in(PTPUT, "actors=" + c[0], "setting=classic-tuned")));
        }
        for (String c : new String[] {"1", "16"}) {
            double plain = r.score(TPUT, "actors=" + c);
            double noop = r.score(TPUT, "actors=" + c, "instrumentation=noop");
            row(c + " actor(s), fire-and-forget processed, **no-op instrumentation** installed", "–", fmtRate(noop),
                    "–", fmtRatio(noop / plain) + " of the plain rate (what calling the hooks costs)", "info");
        }
        String[][] bc = {{"10", "12M", "12e6"}, {"100", "8M", "8e6"}};
        for (String[] b : bc) {
            int n = Integer.parseInt(b[0]);
            double pekko = Math.max(r.score(PBC + "pipelined", "actors=" + b[0], "setting=classic-default"),
                    r.score(PBC + "pipelined", "actors=" + b[0], "setting=classic-tuned")) * n;
            for (String setting : new String[] {"default", "low-latency"}) {
                double ours = r.score(BC + "pipelined", "actors=" + b[0], "setting=" + setting) * n;
                boolean met = ours >= Double.parseDouble(b[2]) && ours / pekko >= 3;
                row("broadcast to " + b[0] + ", replies gathered, pipelined (deliveries/s), " + setting, b[1] + " msg/s",
                        fmtRate(ours), fmtRate(pekko) + " ask-all (best)", fmtRatio(ours / pekko),
                        judged(met, "≥ " + b[1] + " and ≥ 3x Pekko",
                                in(BC + "pipelined", "actors=" + b[0], "setting=" + setting)));
            }
        }
        for (String n : new String[] {"10", "100"}) {
            double pekko = Math.min(r.score(PBC + "oneAtATime", "actors=" + n, "setting=classic-default"),
                    r.score(PBC + "oneAtATime", "actors=" + n, "setting=classic-tuned"));
            for (String setting : new String[] {"default", "low-latency"}) {
                double ours = r.score(BC + "oneAtATime", "actors=" + n, "setting=" + setting);
                row("broadcast to " + n + ", one at a time (latency until all replies), " + setting, "–", fmtNs(ours),
                        fmtNs(pekko) + " ask-all (best)", fmtRatio(pekko / ours),
                        n.equals("10") ? judged(pekko / ours >= 5, "≥ 5x faster than Pekko",
                                in(BC + "oneAtATime", "actors=" + n, "setting=" + setting)) : "info");
            }
        }
    }

    private void scalability() {
        header("Scalability", "Spec: \"Scalability\". Round trip to a random one of N registered actors (mean); "
                + "memory = heap retained by the N idle actors (mailbox, registration, actor). The target is checked "
                + "on the low-latency setting, whose single-actor latency is the spec's 737 ns class.");
        String[] specLatency = {"737ns", "745ns", "780ns", "850ns", "1.2µs"};
        String[] specMemory = {"480 bytes", "4.8 KB", "48 KB", "480 KB", "4.8 MB"};
        String[] all = {"10", "100", "1000", "10000", "100000"};
        double ten = r.score(SCALE, "registered=10", "setting=low-latency");
        for (int i = 0; i < all.length; i++) {
            String n = all[i];
            if (!java.util.Arrays.asList(registered).contains(n)) {
                continue;
            }
            double low = r.score(SCALE, "registered=" + n, "setting=low-latency");
            double def = r.score(SCALE, "registered=" + n, "setting=default");
            Long bytes = m.brokerWithActors().get(Integer.parseInt(n));
            String memory = bytes == null ? "n/a" : !plausible(bytes) ? bytesOrError(bytes)
                    : human(bytes) + " (" + Math.round(bytes / Double.parseDouble(n)) + " B/actor)";
            // NOTE: the 10-actor latency is this row's control: it measures what the low-latency round
            // trip measures, so if it is far from that run's median the machine was busy or bimodal.
            String target = !n.equals("100000") ? "info" : !controlOk(ten)
                    ? "unstable (10-actor control " + fmtNs(ten) + " vs round trip "
                    + fmtNs(r.percentile(50, RR, "setting=low-latency")) + "), re-run on an idle machine"
                    : judged(low <= 1_200 && low / ten <= 1.5, "≤ 1.2 µs and ≤ 1.5x the 10-actor latency; ratio "
                    + fmtRatio(low / ten), in(SCALE, "registered=10", "setting=low-latency"),
                    in(SCALE, "registered=" + n, "setting=low-latency"));
            row(n + " actors: send latency low-latency / default; memory", specLatency[i] + "; " + specMemory[i],
                    fmtNs(low) + " / " + fmtNs(def) + "; " + memory, "–", "–", target);
        }
    }

    private void memory() {
        header("Memory usage", "Spec: \"Memory Usage\". Heap retained after GC, averaged over many instances "
                + "(not estimated from field sizes).");
        row("broker base (an empty InMemoryMessageBroker)", "~256 bytes", bytesOrError(m.brokerBase()), "–", "–",
                "info");
        row("routing entry (registering a pre-made mailbox)", "~48 bytes", bytesOrError(m.routingEntry()), "–", "–",
                plausible(m.routingEntry()) ? verdict(m.routingEntry() <= 48, "≤ 48 B") : "not judged");
        row("idle registered actor, total (mailbox + registration + actor)", "~48 + 16 bytes",
                bytesOrError(m.idleActor()), bytesOrError(m.pekkoIdleActor()) + " (classic)",
                fmtRatio(m.pekkoIdleActor() / m.idleActor()),
                plausible(m.idleActor()) ? verdict(m.idleActor() <= 160, "≤ 160 B") : "not judged");
    }

    private void topics() {
        header("Topic routing", "Spec: \"Custom Routing\". `sendWithRouting` round trip against a plain send to the "
                + "same actor in the same run (mean, low-latency setting, 2,000 other subscriptions in the tree).");
        for (String kind : new String[] {"exact", "wildcard"}) {
            double routed = r.score(TOPIC + "routedByTopic", "subscription=" + kind);
            double plain = r.score(TOPIC + "plainSend", "subscription=" + kind);
            row(kind + "-topic routing, round trip", "–", fmtNs(routed), fmtNs(plain) + " plain send (ours)",
                    String.format(Locale.ROOT, "%.2fx the plain send", routed / plain),
                    !kind.equals("exact") ? "info" : !controlOk(plain)
                            ? "unstable (plain send " + fmtNs(plain) + " vs round trip "
                            + fmtNs(r.percentile(50, RR, "setting=low-latency")) + "), re-run on an idle machine"
                            : judged(routed / plain <= 2, "within 2x of a plain send",
                            in(TOPIC + "routedByTopic", "subscription=" + kind),
                            in(TOPIC + "plainSend", "subscription=" + kind)));
        }
        // per-actor topics (user.<id>.events): a subscribe must cost the same at 5,000 and 20,000 actors
        double small = r.score(PER_ACTOR + "subscribeAndUnsubscribe", "subscribed=5000");
        double large = r.score(PER_ACTOR + "subscribeAndUnsubscribe", "subscribed=20000");
        row("per-actor topic, subscribe + unsubscribe, 5,000 / 20,000 subscribed", "–",
                fmtNs(small) + " / " + fmtNs(large), "–", String.format(Locale.ROOT, "%.2fx", large / small),
                verdict(large / small <= 2, "O(depth): 20,000 within 2x of 5,000"));
        row("per-actor topic, publish to one of 5,000 / 20,000", "–",
                fmtNs(r.score(PER_ACTOR + "publishToOne", "subscribed=5000")) + " / "
                        + fmtNs(r.score(PER_ACTOR + "publishToOne", "subscribed=20000")), "–", "–", "info");
    }

    private void distributed() {
        String title = "Distributed (NATS, 3 local servers)";
        if (distributedSkipped != null) {
            md.append("\n### ").append(title).append("\n\n").append(distributedSkipped).append("\n");
            return;
        }
        header(title, "Issue 11: `DistributedMessageBroker` on a local 3-server nats-server cluster (3 broker nodes, "
                + "one per server, registry replicas 3; a fresh cluster per benchmark), each figure beside raw jnats "
                + "doing the same between a connection to server 0 and one to server 1, with the same payload bytes. "
                + "The ratio here is airssys-rt / raw jnats: for a time lower is better, for a rate higher.",
                "issue target", "raw jnats");
        double ours = r.percentile(50, REMOTE_RR) * NS_PER_US;
        double raw = r.percentile(50, RAW_RR) * NS_PER_US;
        row("remote round trip: node 0 → echo actor on node 1 (median)", "≤ 1.2x raw jnats", sampledUs(REMOTE_RR),
                sampledUs(RAW_RR) + " (request-reply, trivial responder)", times(ours / raw, "the raw time"),
                judged(ours / raw <= 1.2, "≤ 1.2x raw jnats request-reply", in(REMOTE_RR), in(RAW_RR)));
        double sent = r.score(REMOTE_TPUT);
        double published = r.score(RAW_PUB);
        row("remote fire-and-forget: node 0 `trySend` → counting actor on node 1, messages processed per second",
                "≥ 0.8x raw publish", perSecond(sent), perSecond(published) + " (publish, counted by the subscriber)",
                times(sent / published, "the raw rate"),
                judged(sent / published >= 0.8, "≥ 0.8x raw jnats publish", in(REMOTE_TPUT), in(RAW_PUB)));
        row("broadcast to 30 actors on 3 nodes (10 each) from node 0, replies gathered, one at a time", "–",
                fmtNs(r.score(REMOTE_BC + "oneAtATime") * NS_PER_US), "–", "–", "info");
        double pipelined = r.score(REMOTE_BC + "pipelined");
        row("broadcast to 30 actors on 3 nodes, pipelined: broadcasts/s (deliveries/s)", "–",
                perSecond(pipelined) + " (" + perSecond(pipelined * 30) + ")", "–", "–", "info");
        double registrations = r.score(REMOTE_REG);
        row("cluster-wide registrations per second on node 0 (one registry round trip per actor)", "100,000 actors",
                perSecond(registrations) + "; 100,000 actors would take "
                        + duration(100_000 / registrations), "–", "–", "info");
        double batched = r.score(REMOTE_REG + "AllPipelined");
        row("cluster-wide registrations per second on node 0, `registerAll` (up to 128 round trips in flight)",
                "100,000 actors", perSecond(batched) + "; 100,000 actors would take " + duration(100_000 / batched),
                "–", fmtRatio(batched / registrations) + " vs one at a time", "info");
    }

    /** A sampled figure in microseconds, shown like {@link #sampled}. */
    private String sampledUs(String bench) {
        double[] range = r.range(bench);
        return fmtNs(r.percentile(50, bench) * NS_PER_US) + " median, p99 " + fmtNs(r.percentile(99, bench) * NS_PER_US)
                + ", fork medians " + fmtNs(range[0] * NS_PER_US) + "–" + fmtNs(range[1] * NS_PER_US);
    }

    private static String times(double ratio, String of) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "n/a"
                : String.format(Locale.ROOT, "%.2fx %s", ratio, of);
    }

    /** A rate that may be small (registrations): plain below 10,000 per second. */
    private static String perSecond(double rate) {
        return Double.isNaN(rate) || rate >= 10_000 ? fmtRate(rate) : String.format(Locale.ROOT, "%.0f/s", rate);
    }

    private static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "n/a";
        }
        return seconds >= 120 ? String.format(Locale.ROOT, "%.1f min", seconds / 60)
                : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String human(long bytes) {
        if (bytes >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
        }
        if (bytes >= 1 << 10) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
