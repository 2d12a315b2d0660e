/**
 * The immutable job graph translation hands to the JobManager: vertices (chains of operators
 * with a parallelism), network edges with their {@link dev.sluice.engine.graph.Partitioning}
 * and serializer, and {@link dev.sluice.engine.graph.JobGraphBuilder}, which decides chaining.
 */
package dev.sluice.engine.graph;
