/**
 * airssys-rt core: the message broker API, the in-memory broker and the actor runtime.
 * Implementation packages ({@code io.airssys.rt.internal.*}) are not exported.
 */
module io.airssys.rt {
    exports io.airssys.rt;
    exports io.airssys.rt.actor;
    exports io.airssys.rt.broker;
    exports io.airssys.rt.deadletter;
    exports io.airssys.rt.instrument;
    exports io.airssys.rt.mailbox;
    exports io.airssys.rt.spi;
}
