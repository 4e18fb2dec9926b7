package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Priority;
import io.airssys.rt.broker.SendOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Wire}'s request body: every field survives the trip, and a malformed body is a clear error. */
class WireTest {

    private static Wire.Request roundTrip(Wire.Meta m, byte[] payload) {
        return Wire.request(Wire.body(m, payload));
    }

    @Test
    void aTellKeepsItsTargetTypePriorityTimeHeadersAndPayload() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("traceparent", "00-abc-01");
        headers.put("x-note", "a=b;c");
        ActorId to = ActorId.of(0x0102030405060708L);
        Wire.Request r = roundTrip(Wire.request(Wire.Op.TELL, to, "orders.Placed", Priority.HIGH, 1500, headers),
                new byte[] {1, 2, 3});
        Wire.Meta m = r.meta();
        assertThat(m.op).isEqualTo(Wire.Op.TELL);
        assertThat(m.to).isEqualTo(to);
        assertThat(m.type).isEqualTo("orders.Placed");
        assertThat(m.priority).isEqualTo(Priority.HIGH);
        assertThat(m.remainingMillis).isEqualTo(1500);
        assertThat(m.user).containsExactlyEntriesOf(headers);
        assertThat(m.topic).isNull();
        assertThat(m.pattern).isNull();
        assertThat(m.targets).isEmpty();
        assertThat(r.payload()).containsExactly(1, 2, 3);
        SendOptions o = m.options();
        assertThat(o.priority()).isEqualTo(Priority.HIGH);
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.headers()).containsExactlyEntriesOf(headers);
    }

    @Test
    void aBroadcastKeepsItsTargetsAndAPublishItsTopicAndASubscribeItsPattern() {
        List<ActorId> targets = List.of(ActorId.of(1), ActorId.of(Long.MAX_VALUE), ActorId.of(-5));
        Wire.Meta b = roundTrip(Wire.request(Wire.Op.BROADCAST, null, "t", null, 0, Map.of()).targets(targets),
                new byte[0]).meta();
        assertThat(b.to).isNull();
        assertThat(b.priority).isNull();
        assertThat(b.targets).containsExactlyElementsOf(targets);
        Wire.Meta p = roundTrip(Wire.request(Wire.Op.PUBLISH, null, "t", Priority.LOW, 0, Map.of())
                .topic("orders.eu.new"), new byte[] {9}).meta();
        assertThat(p.topic).isEqualTo("orders.eu.new");
        Wire.Meta s = roundTrip(Wire.op(Wire.Op.SUBSCRIBE, ActorId.of(7)).pattern("orders.*"), new byte[0]).meta();
        assertThat(s.pattern).isEqualTo("orders.*");
        assertThat(s.type).isNull();
        assertThat(s.options()).isSameAs(SendOptions.DEFAULT);
    }

    @Test
    void aRequestWithOnlyAPrioritySharesOneOptionsObjectPerPriority() {
        Wire.Meta a = roundTrip(Wire.request(Wire.Op.TELL, ActorId.of(1), "t", Priority.NORMAL, 0, Map.of()),
                new byte[0]).meta();
        Wire.Meta b = roundTrip(Wire.request(Wire.Op.TELL, ActorId.of(2), "t", Priority.NORMAL, 0, Map.of()),
                new byte[0]).meta();
        assertThat(a.options()).isSameAs(b.options());
        assertThat(a.options().priority()).isEqualTo(Priority.NORMAL);
        assertThat(a.options().timeout()).isNull();
    }

    @Test
    void aTruncatedOrCorruptBodyIsAnIllegalArgumentNamingTheProblem() {
        byte[] good = Wire.body(Wire.request(Wire.Op.SEND, ActorId.of(3), "some.Type", Priority.NORMAL, 10,
                Map.of("k", "v")), new byte[] {1});
        for (int cut = 0; cut < good.length - 1; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            // a cut inside the payload still decodes (the payload is the rest); any earlier cut must not
            try {
                Wire.request(truncated);
            } catch (IllegalArgumentException expected) {
                continue;
            }
            assertThat(cut).as("a body cut at %d decoded", cut).isGreaterThanOrEqualTo(good.length - 1);
        }
        byte[] badOp = good.clone();
        badOp[0] = 99;
        assertThatThrownBy(() -> Wire.request(badOp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown operation 99");
        byte[] manyTargets = Wire.body(Wire.request(Wire.Op.BROADCAST, null, "t", null, 0, Map.of())
                .targets(List.of(ActorId.of(1))), new byte[0]);
        manyTargets[manyTargets.length - 1 - 8 - 4 + 3] = 100; // the target count's low byte: 100 targets claimed
        assertThatThrownBy(() -> Wire.request(manyTargets)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("claims 100 targets");
    }

    @Test
    void aNameOrHeaderOver65535BytesIsRefusedAtTheSender() {
        String huge = "x".repeat(70_000);
        assertThatThrownBy(() -> Wire.body(Wire.request(Wire.Op.TELL, ActorId.of(1), "t", null, 0,
                Map.of("big", huge)), new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a header is 70000 bytes");
    }

    @Test
    void aNodesSubjectIsBuiltOnceAndNamesThePrefixAndNode() {
        Wire.Subjects subjects = new Wire.Subjects("app");
        assertThat(subjects.of(3)).isEqualTo("app.node.3").isSameAs(subjects.of(3));
        assertThat(subjects.of(300)).isEqualTo(Wire.nodeSubject("app", 300));
    }

    @Test
    void aBatchKeepsEveryFrameInOrderAndEachReadsAsTheTellItWas() {
        List<byte[]> bodies = List.of(
                Wire.body(Wire.request(Wire.Op.TELL, ActorId.of(1), "a", Priority.HIGH, 0, Map.of()), new byte[] {1}),
                Wire.body(Wire.request(Wire.Op.TELL, ActorId.of(2), "b", null, 7, Map.of("k", "v")), new byte[0]),
                Wire.body(Wire.request(Wire.Op.TELL, ActorId.of(3), "c", Priority.LOW, 0, Map.of()), new byte[300]));
        byte[] batch = Wire.batch(bodies);
        assertThat(batch[0]).isEqualTo(Wire.BATCH);
        int frameBytes = bodies.stream().mapToInt(b -> b.length).sum();
        assertThat(batch).hasSize(Wire.BATCH_HEADER + 3 * Wire.BATCH_PER_FRAME + frameBytes);
        List<Wire.Span> spans = Wire.batchFrames(batch);
        assertThat(spans).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Wire.Span f = spans.get(i);
            Wire.Request framed = Wire.request(batch, f.offset(), f.length());
            Wire.Request alone = Wire.request(bodies.get(i));
            assertThat(framed.meta().to).isEqualTo(alone.meta().to);
            assertThat(framed.meta().type).isEqualTo(alone.meta().type);
            assertThat(framed.meta().priority).isEqualTo(alone.meta().priority);
            assertThat(framed.meta().remainingMillis).isEqualTo(alone.meta().remainingMillis);
            assertThat(framed.meta().user).isEqualTo(alone.meta().user);
            assertThat(framed.payload()).isEqualTo(alone.payload());
        }
    }

    @Test
    void aBatchWhoseLengthsDoNotAddUpIsRefusedWhole() {
        byte[] batch = Wire.batch(List.of(new byte[] {1, 2, 3}, new byte[] {4}));
        assertThatThrownBy(() -> Wire.batchFrames(Arrays.copyOf(batch, batch.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame 1");
        assertThatThrownBy(() -> Wire.batchFrames(Arrays.copyOf(batch, batch.length + 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than its frames");
        byte[] lying = batch.clone();
        lying[4] = 100; // the count: 100 frames in a dozen bytes
        assertThatThrownBy(() -> Wire.batchFrames(lying)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("claims 100 frames");
    }
}
