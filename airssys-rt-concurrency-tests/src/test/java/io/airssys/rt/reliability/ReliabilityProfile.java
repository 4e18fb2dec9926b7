package io.airssys.rt.reliability;

/**
 * How much work the reliability tests do: {@code quick} (the default, part of the 10-minute
 * test suite) or {@code soak} ({@code -Dairssys.reliability.profile=soak}, ten times more).
 */
public final class ReliabilityProfile {

    private ReliabilityProfile() {
    }

    public static boolean soak() {
        return "soak".equals(System.getProperty("airssys.reliability.profile", "quick"));
    }

    /** Scales a quick-profile count for the soak profile. */
    public static int scaled(int quick) {
        return soak() ? quick * 10 : quick;
    }
}
