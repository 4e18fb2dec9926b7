package io.airssys.rt.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report's "step k of n, ~time left" line, on a fake clock, and the plan's count of JMH runs. */
class ReportProgressTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ReportProgress progress = new ReportProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void beforeAnyStepIsDoneTheTimeLeftIsThePlan() {
        progress.plan(1, Duration.ofSeconds(40));
        progress.plan(3, Duration.ofSeconds(10));

        assertThat(progress.step("measuring memory")).isEqualTo("[report] step 1 of 4: measuring memory, ~1 min 10 s left");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("step 1 of 4: measuring memory");
    }

    @Test
    void theTimeLeftFollowsThePaceOfTheStepsDone() {
        progress.plan(4, Duration.ofSeconds(10));
        progress.step("a");
        advance(Duration.ofSeconds(20)); // twice the plan

        // 3 steps of 10 s planned ahead, at twice the planned pace
        assertThat(progress.step("b")).isEqualTo("[report] step 2 of 4: b, ~1 min 00 s left");
        advance(Duration.ofSeconds(10)); // 30 s for 20 s planned: 1.5x
        assertThat(progress.step("c")).isEqualTo("[report] step 3 of 4: c, ~30 s left");
        advance(Duration.ofSeconds(10));
        assertThat(progress.step("d")).endsWith("step 4 of 4: d, ~13 s left"); // 40 s for 30 s planned, 10 s ahead
        advance(Duration.ofSeconds(5));
        assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aRunLongerThanItsPlanStillCountsItsStepsAndDoesNotGuess() {
        progress.plan(1, Duration.ofSeconds(10));
        progress.step("planned");
        advance(Duration.ofSeconds(10));

        assertThat(progress.step("unplanned")).isEqualTo("[report] step 2 of 2: unplanned, time left unknown");
    }

    @Test
    void durationsReadLikeAClock() {
        assertThat(ReportProgress.format(Duration.ofMillis(44_600))).isEqualTo("45 s");
        assertThat(ReportProgress.format(Duration.ofSeconds(185))).isEqualTo("3 min 05 s");
        assertThat(ReportProgress.format(Duration.ofSeconds(3_720))).isEqualTo("1 h 02 min");
    }

    @Test
    void aBadPlanIsRefusedNamingWhatWasWrong() {
        assertThatThrownBy(() -> progress.plan(-1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    /**
     * The plan counts runs as JMH expands them, from the generated benchmark list (topic
     * benchmarks: no instrumentation or setting parameter that could grow under this test).
     */
    @Test
    void thePlanCountsOneRunPerBenchmarkAndParameterCombination() {
        String pkg = "io.airssys.rt.benchmarks.";
        // two methods x subscription (exact, wildcard)
        assertThat(JmhProgress.countRuns(pkg + "TopicRoutingBenchmark\\.", Map.of())).isEqualTo(4);
        // three methods x subscribed (5000, 20000)
        assertThat(JmhProgress.countRuns(pkg + "PerActorTopicBenchmark\\.", Map.of())).isEqualTo(6);
        // an option's values replace the annotation's, as the report's "registered" does
        assertThat(JmhProgress.countRuns(pkg + "PerActorTopicBenchmark\\.",
                Map.of("subscribed", new String[] {"10", "100", "1000"}))).isEqualTo(9);
        // an option for a parameter the benchmark does not have changes nothing
        assertThat(JmhProgress.countRuns(pkg + "TopicRoutingBenchmark\\.",
                Map.of("registered", new String[] {"10"}))).isEqualTo(4);
    }
}
