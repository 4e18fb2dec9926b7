/**
 * Internal: topic subscriptions and their subject-tree matching. Not exported.
 */
package io.airssys.rt.internal.topic;
