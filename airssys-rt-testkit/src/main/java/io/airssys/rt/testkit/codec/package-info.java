/**
 * The {@link io.airssys.rt.spi.MessageCodec} contract: an abstract JUnit 5 suite that every codec
 * (JSON, or any other a transport brings) extends and must pass.
 */
package io.airssys.rt.testkit.codec;
