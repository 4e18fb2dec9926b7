package io.airssys.rt.nats.testing;

import io.nats.client.Options;

import java.util.List;

/**
 * What a test cluster requires of its clients: nothing, a user and password, or a token. It adds the
 * matching arguments to the nats-server command line (and masked ones to the copy that is logged), and the
 * matching {@link Options.Builder} settings to a client, so credentials never travel inside a URL.
 */
sealed interface NatsCredentials {

    NatsCredentials NONE = new None();

    void appendServerArguments(List<String> arguments, List<String> masked);

    Options.Builder applyTo(Options.Builder options);

    /** No authentication. */
    record None() implements NatsCredentials {
        @Override
        public void appendServerArguments(List<String> arguments, List<String> masked) {
        }

        @Override
        public Options.Builder applyTo(Options.Builder options) {
            return options;
        }
    }

    /** {@code --user} / {@code --pass}. */
    record UserPassword(String user, String password) implements NatsCredentials {
        @Override
        public void appendServerArguments(List<String> arguments, List<String> masked) {
            arguments.addAll(List.of("--user", user, "--pass", password));
            masked.addAll(List.of("--user", user, "--pass", "******"));
        }

        @Override
        public Options.Builder applyTo(Options.Builder options) {
            return options.userInfo(user, password);
        }

        @Override
        public String toString() {
            return "UserPassword[user=" + user + ", password=******]";
        }
    }

    /** {@code --auth <token>}. */
    record Token(String token) implements NatsCredentials {
        @Override
        public void appendServerArguments(List<String> arguments, List<String> masked) {
            arguments.addAll(List.of("--auth", token));
            masked.addAll(List.of("--auth", "******"));
        }

        @Override
        public Options.Builder applyTo(Options.Builder options) {
            return options.token(token.toCharArray());
        }

        @Override
        public String toString() {
            return "Token[******]";
        }
    }
}
