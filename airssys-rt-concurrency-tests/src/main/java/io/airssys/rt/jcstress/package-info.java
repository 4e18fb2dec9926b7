/**
 * jcstress tests of the core's publication idioms: the mailbox's wake-up handoff, a reply
 * racing its timeout, and a send racing an unregister. Run by {@link io.airssys.rt.jcstress.QuickRun}.
 */
package io.airssys.rt.jcstress;
