package io.airssys.rt.broker;

import io.airssys.rt.ActorId;
import io.airssys.rt.Message;
import io.airssys.rt.Priority;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Routes messages to actors by id (spec: {@code trait MessageBroker: Send + Sync}), wherever
 * they live: every operation here is location-transparent, so code written against this
 * interface works unchanged on the in-memory broker and on a broker that spans several JVMs.
 * What only makes sense for the actors living in this JVM (registering a {@link
 * io.airssys.rt.mailbox.Mailbox} object, dead letters, listeners, this node's counters) is on
 * {@link BrokerNode}, which every concrete broker also is.
 *
 * <p>Every method is safe to call from any thread. Methods that return a future never block;
 * every returned future completes, always: with the actor's result or a {@link DeliveryException}
 * (an {@link ActorFailedException} wrapping the handler's failure, a {@link BrokerException}, or
 * a {@link SendException}; the README's "Errors" table lists them). Each call returns a fresh
 * future, so cancelling one affects no other caller; a cancelled message that has not started
 * is skipped.
 *
 * <p>Bad arguments fail fast: {@code null} throws {@link NullPointerException} naming the
 * parameter, a non-positive timeout throws {@link IllegalArgumentException}.
 *
 * <p>Delivery guarantees: at most once, in memory; messages one thread sends to one actor are
 * processed in the order sent; nothing is dropped without its sender seeing an error, except
 * where the receiver chose to drop: a {@code trySend} to a full {@code DROP_NEWEST} mailbox
 * returns normally, and the message is counted as failed and dead-lettered.
 */
public interface MessageBroker extends AutoCloseable {

    /**
     * Removes an actor (spec: {@code unregister}). Its mailbox closes: messages still queued
     * are dropped and their futures have failed with {@link SendError#ACTOR_STOPPED} when this
     * returns; a message being processed finishes; later sends fail with
     * {@link SendError#ACTOR_NOT_FOUND}.
     *
     * @param actorId the actor
     * @throws BrokerException with {@link BrokerError#NOT_FOUND} if it is not registered (so a
     *                         second call fails and changes nothing)
     */
    void unregister(ActorId actorId);

    /**
     * Sends a message and returns its result (spec: {@code send}), with the broker's default
     * timeout.
     *
     * @param actorId the receiver
     * @param message the message
     * @param <R>     the result type
     * @return a future of the result
     */
    default <R> CompletableFuture<R> send(ActorId actorId, Message<R> message) {
        return send(actorId, message, SendOptions.DEFAULT);
    }

    /**
     * Sends a message and returns its result, failing with {@link SendError#TIMEOUT} if it
     * has not arrived within {@code timeout}; a message not yet started by then is skipped.
     *
     * @param actorId the receiver
     * @param message the message
     * @param timeout how long to wait for the result, positive
     * @param <R>     the result type
     * @return a future of the result
     */
    default <R> CompletableFuture<R> send(ActorId actorId, Message<R> message, Duration timeout) {
        return send(actorId, message, SendOptions.timeout(timeout));
    }

    /**
     * Sends a message with options: any combination of timeout, priority and headers (see
     * {@link SendOptions}). Every other {@code send} is a shorthand for this one.
     *
     * @param actorId the receiver
     * @param message the message
     * @param options timeout, priority, headers
     * @param <R>     the result type
     * @return a future of the result
     */
    <R> CompletableFuture<R> send(ActorId actorId, Message<R> message, SendOptions options);

    /**
     * Sends a message with a priority (spec: {@code send_with_priority}): the actor processes
     * waiting messages of higher priority first; within one priority, one sender's messages keep
     * their order. Uses the default timeout.
     *
     * @param actorId  the receiver
     * @param message  the message
     * @param priority its priority
     * @param <R>      the result type
     * @return a future of the result
     */
    default <R> CompletableFuture<R> sendWithPriority(ActorId actorId, Message<R> message, Priority priority) {
        return send(actorId, message, SendOptions.priority(priority));
    }

    /**
     * Enqueues a fire-and-forget message without waiting for room (spec: {@code try_send}): a
     * full mailbox refuses, drops or evicts at once according to its overflow strategy. On
     * {@code DROP_OLDEST} and {@code BLOCK} mailboxes it takes the mailbox's short lane lock,
     * which their consumer also takes once per message; other mailboxes take no lock.
     *
     * @param actorId the receiver
     * @param message the message
     * @throws SendException   with {@link SendError#ACTOR_NOT_FOUND}, {@link SendError#MAILBOX_FULL}
     *                         or {@link SendError#ACTOR_STOPPED} if it was not enqueued (a full
     *                         {@code DROP_NEWEST} mailbox drops it without throwing; see above)
     * @throws BrokerException with {@link BrokerError#BROKER_CLOSED} if the broker is closed
     */
    default void trySend(ActorId actorId, Message<Void> message) {
        trySend(actorId, message, SendOptions.DEFAULT);
    }

    /**
     * Enqueues a fire-and-forget message with options, like {@link #trySend(ActorId, Message)}:
     * the priority and headers apply; the broker's default timeout does not, but an explicit
     * timeout does: if the actor cannot start the message within it, it is skipped and
     * dead-lettered {@code TIMED_OUT}.
     *
     * @param actorId the receiver
     * @param message the message
     * @param options priority, headers, optional start deadline
     * @throws SendException as {@link #trySend(ActorId, Message)}
     */
    void trySend(ActorId actorId, Message<Void> message, SendOptions options);

    /**
     * Sends one message to every registered actor (spec: {@code broadcast}). The same
     * (immutable) instance goes to each. One failure does not affect the others.
     *
     * @param message the message
     * @param <R>     the result type
     * @return a future of one {@link Reply} per actor, in registration order
     */
    default <R> CompletableFuture<List<Reply<R>>> broadcast(Message<R> message) {
        return broadcast(message, SendOptions.DEFAULT);
    }

    /**
     * Broadcasts with options (see {@link #broadcast(Message)}): the timeout bounds the whole
     * gathering (a target that has not answered by then gets a {@code TIMEOUT} reply); priority
     * and headers apply to every copy.
     *
     * @param message the message
     * @param options timeout, priority, headers
     * @param <R>     the result type
     * @return a future of one {@link Reply} per actor, in registration order
     */
    <R> CompletableFuture<List<Reply<R>>> broadcast(Message<R> message, SendOptions options);

    /**
     * Sends one message to every registered actor whose id passes {@code filter}
     * (spec: {@code broadcast_filter}).
     *
     * @param message the message
     * @param filter  selects the receivers; called once per registered actor on the caller's thread
     * @param <R>     the result type
     * @return a future of one {@link Reply} per selected actor, in registration order
     */
    default <R> CompletableFuture<List<Reply<R>>> broadcastFilter(Message<R> message, Predicate<ActorId> filter) {
        return broadcastFilter(message, filter, SendOptions.DEFAULT);
    }

    /**
     * Broadcasts to the actors {@code filter} selects, with options (see
     * {@link #broadcast(Message, SendOptions)}).
     *
     * @param message the message
     * @param filter  selects the receivers; called once per registered actor on the caller's thread
     * @param options timeout, priority, headers
     * @param <R>     the result type
     * @return a future of one {@link Reply} per selected actor, in registration order
     */
    <R> CompletableFuture<List<Reply<R>>> broadcastFilter(Message<R> message, Predicate<ActorId> filter,
                                                          SendOptions options);

    /**
     * Subscribes a registered actor to a topic pattern (NATS subject syntax, see {@link Topics}).
     * Subscribing twice to one pattern has no further effect. Unregistering the actor removes
     * its subscriptions.
     *
     * @param actorId the subscriber
     * @param pattern e.g. {@code orders.*.created} or {@code orders.>}
     * @throws InvalidTopicException if the pattern is malformed
     * @throws BrokerException       with {@link BrokerError#NOT_FOUND} if the actor is not registered, or
     *                               {@link BrokerError#BROKER_CLOSED} if the broker is closed
     */
    void subscribe(ActorId actorId, String pattern);

    /**
     * Removes one subscription.
     *
     * @param actorId the subscriber
     * @param pattern the pattern it subscribed to
     * @return {@code true} if it was subscribed
     * @throws InvalidTopicException if the pattern is malformed
     */
    boolean unsubscribe(ActorId actorId, String pattern);

    /**
     * Returns an actor's subscription patterns in subscription order.
     *
     * @param actorId the actor
     * @return an unmodifiable list, empty if none
     */
    List<String> subscriptions(ActorId actorId);

    /**
     * Sends a message to ONE actor subscribed to a pattern matching the key's topic, with the
     * key's priority, and returns its result (spec: {@code send_with_routing}). When several
     * subscribers match, the broker balances the load between them (see the implementation).
     * No subscriber: the future fails with a {@link BrokerException} ({@link BrokerError#ROUTING_FAILED})
     * naming the topic, and the message is dead-lettered ({@code NO_SUBSCRIBER}). Closed broker:
     * the future fails with {@link BrokerError#BROKER_CLOSED}.
     *
     * @param key     a concrete topic and a priority
     * @param message the message
     * @param <R>     the result type
     * @return a future of the result
     */
    default <R> CompletableFuture<R> sendWithRouting(RoutingKey key, Message<R> message) {
        return sendWithRouting(key, message, SendOptions.DEFAULT);
    }

    /**
     * Sends to one subscriber of the key's topic, with options (see
     * {@link #sendWithRouting(RoutingKey, Message)}); the key's priority applies unless the
     * options set one.
     *
     * @param key     the topic (concrete) and priority
     * @param message the message
     * @param options timeout, priority, headers
     * @param <R>     the result type
     * @return a future of the chosen actor's result
     */
    <R> CompletableFuture<R> sendWithRouting(RoutingKey key, Message<R> message, SendOptions options);

    /**
     * Publishes a message to EVERY actor subscribed to a pattern matching the topic; each gets
     * it once, however many of its patterns match. No subscriber: an empty list, and the
     * message is dead-lettered ({@code NO_SUBSCRIBER}). Closed broker: the future fails with
     * {@link BrokerError#BROKER_CLOSED}.
     *
     * @param topic   a concrete topic
     * @param message the message
     * @param <R>     the result type
     * @return a future of one {@link Reply} per subscriber, in subscription order
     * @throws InvalidTopicException if the topic is malformed or has wildcards
     */
    default <R> CompletableFuture<List<Reply<R>>> publish(String topic, Message<R> message) {
        return publish(topic, message, SendOptions.DEFAULT);
    }

    /**
     * Publishes with options (see {@link #publish(String, Message)} and
     * {@link #broadcast(Message, SendOptions)}).
     *
     * @param topic   a concrete topic
     * @param message the message
     * @param options timeout, priority, headers
     * @param <R>     the result type
     * @return a future of one {@link Reply} per subscriber, in subscription order
     */
    <R> CompletableFuture<List<Reply<R>>> publish(String topic, Message<R> message, SendOptions options);

    /**
     * Returns whether an actor is registered (spec: {@code is_registered}).
     *
     * @param actorId the actor
     * @return {@code true} if registered at the moment of the call
     */
    boolean isRegistered(ActorId actorId);

    /**
     * Returns the number of registered actors (spec: {@code registered_count}), consistent with
     * {@link #isRegistered} at one instant (linearizable); stale as soon as it returns.
     *
     * @return the count
     */
    int registeredCount();

    /**
     * Returns the registered ids in registration order (spec: {@code actor_ids}): the
     * registrations at one instant (an id {@link #isRegistered} just reported is in it unless it
     * was unregistered since), stale as soon as it returns. Broadcasts pick their targets the
     * same way.
     *
     * @return an unmodifiable list
     */
    List<ActorId> actorIds();

    /**
     * Returns whether {@link #close()} was called (for health checks). Once it returns
     * {@code true}, every operation signals {@link BrokerError#BROKER_CLOSED}.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * Closes the broker: every mailbox closes, and when this returns every queued message's
     * future has failed with {@link SendError#ACTOR_STOPPED}, and so has the future of a message
     * being processed, even if its handler never returns. After it, every operation signals
     * {@link BrokerError#BROKER_CLOSED} ({@link BrokerException}): the synchronous ones
     * ({@code register}, {@code subscribe}, {@code trySend}) throw it, the others return a future
     * failed with it.
     * Idempotent. The counters (and dead letters) of messages queued behind a handler that is
     * still running follow when that handler returns and its actor stops.
     */
    @Override
    void close();
}
