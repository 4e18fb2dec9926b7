package io.airssys.rt.spi;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The allow-list of a {@link MessageCodec}: every type that may cross between JVMs, each under a
 * stable name chosen by the application (for example {@code "bank.GetBalance"}), never its class
 * name, so classes can be renamed or moved without breaking a running cluster. Every node of a
 * cluster registers the same names.
 *
 * <p>Some names are built in: {@value #NULL} (the {@code null} reply of a
 * {@code Message<Void>}), {@code "string"}, {@code "boolean"}, {@code "int"}, {@code "long"},
 * {@code "double"} for the boxed scalar replies, and {@value #FAILURE} for
 * {@link DeliveryFailure}. Immutable once built, so it can be shared by any number of threads.
 *
 * <pre>{@code
 * MessageTypes types = MessageTypes.builder()
 *         .add("bank.GetBalance", GetBalance.class)
 *         .add("bank.Deposit", Deposit.class)
 *         .build();
 * }</pre>
 */
public final class MessageTypes {

    /** The name of the {@code null} reply. */
    public static final String NULL = "null";
    /** The name of {@link DeliveryFailure}. */
    public static final String FAILURE = "airssys.DeliveryFailure";
    /** Longest accepted name, in characters (names travel in every message's headers). */
    public static final int MAX_NAME_LENGTH = 128;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._$-]*");

    private final Map<String, Class<?>> byName;
    private final Map<Class<?>, String> byType;

    private MessageTypes(Map<String, Class<?>> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        Map<Class<?>, String> inverse = new HashMap<>();
        byName.forEach((name, type) -> inverse.put(type, name));
        this.byType = Map.copyOf(inverse);
    }

    /**
     * Starts an allow-list that holds the built-in names.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the stable name of a value's type.
     *
     * @param value a message, a reply value, a {@link DeliveryFailure}, or {@code null}
     * @return its registered name ({@value #NULL} for {@code null}; an enum constant's enum type,
     *         also for a constant with a body)
     * @throws CodecException {@link CodecException.Reason#UNKNOWN_TYPE} naming the class if it
     *                        is not registered
     */
    public String nameOf(Object value) {
        if (value == null) {
            return NULL;
        }
        // an enum constant with a body is an instance of an anonymous subclass: its type is the enum
        return nameOfType(value instanceof Enum<?> e ? e.getDeclaringClass() : value.getClass());
    }

    /**
     * Returns the stable name of a type.
     *
     * @param type a registered class (exactly that class: a subclass is not registered by its parent)
     * @return its name
     * @throws CodecException {@link CodecException.Reason#UNKNOWN_TYPE} naming the class if it
     *                        is not registered
     */
    public String nameOfType(Class<?> type) {
        String name = byType.get(Objects.requireNonNull(type, "type"));
        if (name == null) {
            throw new CodecException(CodecException.Reason.UNKNOWN_TYPE, type.getName(),
                    type.getName() + " is not on the codec's allow-list; register it on every node with "
                            + "MessageTypes.builder().add(\"<stable name>\", " + type.getSimpleName() + ".class)",
                    null);
        }
        return name;
    }

    /**
     * Returns the type registered under a name.
     *
     * @param name a name, as received from another node
     * @return the class ({@code Void.class} for {@value #NULL})
     * @throws CodecException {@link CodecException.Reason#UNKNOWN_TYPE} if no type has that name here
     */
    public Class<?> typeOf(String name) {
        Class<?> type = byName.get(Objects.requireNonNull(name, "name"));
        if (type == null) {
            throw new CodecException(CodecException.Reason.UNKNOWN_TYPE, name,
                    "no type is registered under '" + name + "' on this node; every node must register the same names",
                    null);
        }
        return type;
    }

    /**
     * Returns whether a type is on the allow-list.
     *
     * @param type the class
     * @return {@code true} if registered
     */
    public boolean contains(Class<?> type) {
        return byType.containsKey(type);
    }

    /**
     * Returns every name and its type, built-in names first, then in the order they were added.
     *
     * @return an unmodifiable map
     */
    public Map<String, Class<?>> asMap() {
        return byName;
    }

    /** Builds a {@link MessageTypes}. */
    public static final class Builder {
        private final Map<String, Class<?>> byName = new LinkedHashMap<>();
        private final Map<Class<?>, String> byType = new HashMap<>();

        private Builder() {
            put(NULL, Void.class);
            put("string", String.class);
            put("boolean", Boolean.class);
            put("int", Integer.class);
            put("long", Long.class);
            put("double", Double.class);
            put(FAILURE, DeliveryFailure.class);
        }

        /**
         * Registers a type under a stable name.
         *
         * @param name a name of letters, digits, {@code . _ $ -}, starting with a letter or digit,
         *             at most {@value #MAX_NAME_LENGTH} characters
         * @param type the class (messages and replies should be records of plain data)
         * @return this builder
         * @throws IllegalArgumentException if the name is malformed, or the name or the type is
         *                                  already registered (each name means one type and back)
         */
        public Builder add(String name, Class<?> type) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("type name '" + name + "' must be 1.." + MAX_NAME_LENGTH
                        + " letters, digits or . _ $ -, starting with a letter or digit");
            }
            if (type.isPrimitive() || type.isInterface() || type.isArray()
                    || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
                throw new IllegalArgumentException(type.getName() + " cannot be registered as '" + name
                        + "': register the concrete class of the values sent (a record, ideally)");
            }
            put(name, type);
            return this;
        }

        private void put(String name, Class<?> type) {
            if (byName.containsKey(name)) {
                throw new IllegalArgumentException("type name '" + name + "' is already registered for "
                        + byName.get(name).getName());
            }
            if (byType.containsKey(type)) {
                throw new IllegalArgumentException(type.getName() + " is already registered as '"
                        + byType.get(type) + "'");
            }
            byName.put(name, type);
            byType.put(type, name);
        }

        /**
         * Returns the allow-list.
         *
         * @return an immutable {@link MessageTypes}
         */
        public MessageTypes build() {
            return new MessageTypes(byName);
        }
    }
}
