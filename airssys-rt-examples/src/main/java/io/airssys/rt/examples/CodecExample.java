package io.airssys.rt.examples;

import io.airssys.rt.ActorId;
import io.airssys.rt.broker.DeliveryException;
import io.airssys.rt.broker.SendError;
import io.airssys.rt.broker.SendException;
import io.airssys.rt.jackson.JacksonMessageCodec;
import io.airssys.rt.spi.CodecException;
import io.airssys.rt.spi.DeliveryFailure;
import io.airssys.rt.spi.MessageCodec;
import io.airssys.rt.spi.MessageTypes;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What crosses between JVMs: messages of registered types under stable names, and typed errors
 * as plain data ({@link DeliveryFailure}). This is the codec SPI a distributed broker uses; the
 * in-memory broker never encodes anything.
 */
public final class CodecExample {

    /** A message as it would travel to another node. */
    record Transfer(String from, String to, long cents) {
    }

    /** Not on the allow-list. */
    record Secret(String value) {
    }

    private CodecExample() {
    }

    /**
     * Runs the example.
     *
     * @param out where it prints
     */
    public static void run(PrintStream out) {
        MessageTypes types = MessageTypes.builder().add("bank.Transfer", Transfer.class).build();
        MessageCodec codec = JacksonMessageCodec.builder(types).maxEncodedBytes(64 * 1024).build();

        Transfer transfer = new Transfer("alice", "bob", 12_50);
        String name = types.nameOf(transfer);
        byte[] bytes = codec.encode(transfer);
        out.println(name + " travels as " + new String(bytes, StandardCharsets.UTF_8));
        out.println("decoded on the other node: " + codec.decode(name, bytes));

        try {
            codec.encode(new Secret("x"));
        } catch (CodecException e) {
            out.println("not on the allow-list: " + e.reason());
        }

        SendException full = new SendException(SendError.MAILBOX_FULL, ActorId.of(7), "Transfer",
                "its bounded mailbox holds 10 messages (FAIL)", null, false);
        byte[] failure = codec.encode(DeliveryFailure.of(full));
        DeliveryException again = ((DeliveryFailure) codec.decode(MessageTypes.FAILURE, failure)).toException();
        out.println("the caller's node sees: " + again.getClass().getSimpleName() + " " + again.code());
    }
}
