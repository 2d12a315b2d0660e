/**
 * External (spilling) sort and grouping over byte keys, for batch operators that must group
 * more data than fits in memory. {@link dev.sluice.engine.sort.SpillingGrouper} buffers
 * (key, value) pairs in large byte pages, sorts an index of them when its memory budget is
 * reached, writes each sorted run to a spill file, and at the end k-way merges the runs and the
 * in-memory remainder into a stream of groups in unsigned-byte key order. Keys are compared with
 * {@link dev.sluice.engine.sort.ByteArrayComparator}; the package knows nothing of what the
 * bytes encode. Everything here is single-threaded: one task thread owns a grouper.
 */
package dev.sluice.engine.sort;
