package dev.sluice.engine.graph;

import dev.sluice.engine.serde.TypeSerializer;
import java.io.Serializable;

/**
 * A network edge between two vertices. Records leave output port {@code sourcePort} of chain
 * node {@code sourceNode} in vertex {@code source} and arrive at input {@code targetInput} of
 * the head operator of vertex {@code target}.
 *
 * @param id dense index of the edge in {@link JobGraph#edges()}
 */
public record JobEdge(
    int id,
    VertexId source,
    int sourceNode,
    int sourcePort,
    VertexId target,
    int targetInput,
    Partitioning partitioning,
    TypeSerializer<Object> serializer)
    implements Serializable {}
