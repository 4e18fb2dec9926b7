/**
 * Internal: the in-memory broker's parts behind its public facade
 * ({@link io.airssys.rt.broker.InMemoryMessageBroker}), one concern per class:
 * <ul>
 *   <li>{@link io.airssys.rt.internal.broker.RequestPath}: a message to one actor id (request or
 *       fire-and-forget): envelope, timer, enqueue, and what a refusal becomes;</li>
 *   <li>{@link io.airssys.rt.internal.broker.Fanout}: one message to many mailboxes (broadcast,
 *       publish) with its replies gathered in target order;</li>
 *   <li>{@link io.airssys.rt.internal.broker.ListenerChain}: the registered
 *       {@link io.airssys.rt.broker.BrokerListener}s, isolated from each other;</li>
 *   <li>{@link io.airssys.rt.internal.broker.Refusals}: every typed error the broker raises, worded once.</li>
 * </ul>
 * The registry is {@link io.airssys.rt.internal.delivery.RoutingTable}, topics are
 * {@link io.airssys.rt.internal.topic.TopicRegistry}, timers {@link io.airssys.rt.internal.timer.BrokerTimeouts}.
 * Not exported.
 */
package io.airssys.rt.internal.broker;
