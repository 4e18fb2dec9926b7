/**
 * airssys-rt on Micrometer: meters for the broker and its messages, and Micrometer Observation
 * spans from a send to its handler. Micrometer's jars are automatic modules (they ship no
 * descriptor), hence the suppressed lint.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.airssys.rt.micrometer {
    requires transitive io.airssys.rt;
    requires transitive micrometer.core;
    requires transitive micrometer.observation;

    exports io.airssys.rt.micrometer;
}
