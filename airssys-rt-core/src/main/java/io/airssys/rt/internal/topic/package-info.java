/**
 * Internal: topic subscriptions, their subject-tree matching and the bounded match cache.
 * Not exported.
 */
package io.airssys.rt.internal.topic;
