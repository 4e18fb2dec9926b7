/**
 * airssys-rt JFR: JDK Flight Recorder events for the broker, recorded through the
 * instrumentation SPI of {@code io.airssys.rt}. No dependency but core and the JDK.
 */
module io.airssys.rt.jfr {
    requires transitive io.airssys.rt;
    requires jdk.jfr;

    exports io.airssys.rt.jfr;
}
