package io.airssys.rt.nats;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.actor.Behaviors;
import io.airssys.rt.broker.BrokerError;
import io.airssys.rt.broker.BrokerException;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.nats.testing.NatsCluster;
import io.airssys.rt.nats.testing.WithNatsCluster;
import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.airssys.rt.nats.NodeFailureTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the codec refuses, across the wire, between two nodes on one server whose codecs differ
 * (issue 11, "Codecs"): every refusal is a {@code CODEC_FAILED} {@link BrokerException} for the
 * caller, at once when the sender can tell (its own allow-list, the server's max_payload), and
 * from the receiver when only it can; never a hang or a timeout.
 */
@WithNatsCluster
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CodecAcrossTheWireTest {

    /** 2 MB of text: over nats-server's default max_payload of 1 MB. */
    private static final int OVER_MAX_PAYLOAD = 2 * 1024 * 1024;

    static NatsCluster cluster;

    /** Registered on both nodes. */
    public record Shared(String text) implements Message<String> {
    }

    /** Registered at the sender only. */
    public record OnlyAtSender(String text) implements Message<String> {
    }

    /** Registered nowhere. */
    public record Nowhere(String text) implements Message<String> {
    }

    /** Registered nowhere, fire-and-forget. */
    public record NowhereTell(String text) implements Message<Void> {
    }

    /** Registered on both; its reply type {@link Odd} nowhere. */
    public record AskOdd(String text) implements Message<Odd> {
    }

    /** A reply type registered nowhere. */
    public record Odd(String text) {
    }

    /** Registered on both; its reply type {@link ReceiverOnly} only at the receiver. */
    public record AskReceiverOnly(String text) implements Message<ReceiverOnly> {
    }

    /** A reply type the receiver can encode and the sender cannot decode. */
    public record ReceiverOnly(String text) {
    }

    /** Registered on both: the actor replies with {@code size} characters. */
    public record AskBig(int size) implements Message<String> {
    }

    /** Registered on both, fire-and-forget. */
    public record Tell(String text) implements Message<Void> {
    }

    private FaultNodes nodes;
    private DistributedMessageBroker sender;
    private DistributedMessageBroker receiver;
    private ActorId actor;

    @BeforeEach
    void twoNodesWithDifferentCodecs() throws Exception {
        MessageCodec senderCodec = JacksonMessageCodec.of(onBothNodes().add("codec.OnlyAtSender", OnlyAtSender.class)
                .build());
        MessageCodec receiverCodec = JacksonMessageCodec.of(onBothNodes().add("codec.ReceiverOnly", ReceiverOnly.class)
                .build());
        nodes = new FaultNodes(cluster);
        FaultNodes.Node s = nodes.start(nodes.preferring(0), senderCodec, b -> b);
        FaultNodes.Node r = nodes.start(nodes.preferring(0), receiverCodec, b -> b);
        sender = s.broker();
        receiver = r.broker();
        actor = r.system().spawn(Behaviors.receive()
                .on(Shared.class, Shared::text)
                .on(OnlyAtSender.class, OnlyAtSender::text)
                .on(AskOdd.class, m -> new Odd(m.text()))
                .on(AskReceiverOnly.class, m -> new ReceiverOnly(m.text()))
                .on(AskBig.class, m -> "x".repeat(m.size()))
                .onTell(Tell.class, m -> { })
                .build()).id();
        // the sender's directory knows the actor: a refusal at the sender needs no registry look-up
        assertThat(sender.send(actor, new Shared("hello")).get(20, TimeUnit.SECONDS)).isEqualTo("hello");
    }

    private static MessageTypes.Builder onBothNodes() {
        return MessageTypes.builder().add("codec.Shared", Shared.class).add("codec.AskOdd", AskOdd.class)
                .add("codec.AskReceiverOnly", AskReceiverOnly.class).add("codec.AskBig", AskBig.class)
                .add("codec.Tell", Tell.class);
    }

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void aTypeNotRegisteredAtTheSenderFailsTheSendAtOnceWithCodecFailedUnknownType() throws Exception {
        CompletableFuture<String> f = sender.send(actor, new Nowhere("?"), Duration.ofSeconds(20));
        assertThat(f).as("failed before send returned").isCompletedExceptionally();
        assertCodecFailed(failureOf(f, 1), CodecException.Reason.UNKNOWN_TYPE);
    }

    @Test
    void trySendOfATypeNotRegisteredAtTheSenderThrowsCodecFailed() {
        assertThatThrownBy(() -> sender.trySend(actor, new NowhereTell("?")))
                .satisfies(t -> assertCodecFailed(t, CodecException.Reason.UNKNOWN_TYPE));
    }

    @Test
    void aTypeRegisteredAtTheSenderOnlyReachesTheCallerAsCodecFailed() throws Exception {
        long began = System.nanoTime();
        Throwable failure = failureOf(sender.send(actor, new OnlyAtSender("?"), Duration.ofSeconds(20)), 10);
        assertThat(failure).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.error()).as("%s", e).isEqualTo(BrokerError.CODEC_FAILED);
            assertThat(e.getMessage()).contains("codec.OnlyAtSender");
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)).as("ms, far below the timeout")
                .isLessThan(5_000);
    }

    /** The issue: "an unregistered or undecodable type is a clear typed error at the sender (and a dead letter at the receiver)". */
    @Test
    void aMessageTheReceiverCannotDecodeIsADeadLetterThere() throws Exception {
        long before = receiver.deadLetters().totalCount();
        failureOf(sender.send(actor, new OnlyAtSender("?"), Duration.ofSeconds(20)), 10);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(receiver.deadLetters().totalCount()).as("dead letters on the receiving node")
                        .isEqualTo(before + 1));
    }

    @Test
    void aReplyTypeRegisteredNowhereFailsTheCallerWithCodecFailed() throws Exception {
        long began = System.nanoTime();
        Throwable failure = failureOf(sender.send(actor, new AskOdd("?"), Duration.ofSeconds(20)), 10);
        assertThat(failure).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.error()).as("%s", e).isEqualTo(BrokerError.CODEC_FAILED));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)).isLessThan(5_000);
    }

    @Test
    void aReplyTypeTheSenderCannotDecodeFailsTheCallerWithCodecFailed() throws Exception {
        Throwable failure = failureOf(sender.send(actor, new AskReceiverOnly("?"), Duration.ofSeconds(20)), 10);
        assertThat(failure).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.error()).as("%s", e).isEqualTo(BrokerError.CODEC_FAILED));
    }

    @Test
    void aMessageOverTheServersMaxPayloadFailsAtOnceWithCodecFailedTooLarge() throws Exception {
        String big = "x".repeat(OVER_MAX_PAYLOAD);
        CompletableFuture<String> f = sender.send(actor, new Shared(big), Duration.ofSeconds(20));
        assertThat(f).as("failed before send returned").isCompletedExceptionally();
        assertCodecFailed(failureOf(f, 1), CodecException.Reason.TOO_LARGE);
        assertThatThrownBy(() -> sender.trySend(actor, new Tell(big)))
                .satisfies(t -> assertCodecFailed(t, CodecException.Reason.TOO_LARGE));
        // the node goes on
        assertThat(sender.send(actor, new Shared("after")).get(20, TimeUnit.SECONDS)).isEqualTo("after");
    }

    @Test
    void aReplyOverTheServersMaxPayloadFailsTheCallerWithCodecFailedNotATimeout() throws Exception {
        long began = System.nanoTime();
        Throwable failure = failureOf(sender.send(actor, new AskBig(OVER_MAX_PAYLOAD), Duration.ofSeconds(20)), 15);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        System.out.println("CodecAcrossTheWireTest: a 2 MB reply failed after " + millis + " ms with " + failure);
        assertThat(failure).isInstanceOfSatisfying(BrokerException.class,
                e -> assertThat(e.error()).as("%s", e).isEqualTo(BrokerError.CODEC_FAILED));
        assertThat(millis).isLessThan(5_000);
    }

    private static void assertCodecFailed(Throwable t, CodecException.Reason reason) {
        assertThat(t).isInstanceOfSatisfying(BrokerException.class, e -> {
            assertThat(e.error()).as("%s", e).isEqualTo(BrokerError.CODEC_FAILED);
            assertThat(e.getCause()).as("cause of %s", e).isInstanceOfSatisfying(CodecException.class,
                    c -> assertThat(c.reason()).isEqualTo(reason));
        });
    }
}
