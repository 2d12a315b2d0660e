/**
 * Stream elements on the wire: the in-band format of records, watermarks, stream status (idle/active),
 * synthetic processing time and end-of-partition events inside network buffers ({@link dev.sluice.engine.element.ElementCodec}), and the
 * reusable byte streams serializers write to and read from. Depends on nothing else in the
 * engine; the network package builds on it.
 */
package dev.sluice.engine.element;
