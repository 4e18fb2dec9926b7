package io.airssys.rt;

/**
 * Undoes a registration (a listener, a callback) when closed; closing twice does nothing.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /** Removes what was registered. */
    @Override
    void close();
}
