/**
 * The control-plane contracts between JobManager and TaskManagers: asynchronous gateways whose
 * calls run on the receiver's single main thread, and the ids they exchange. In a MiniCluster
 * the endpoints implement the gateways directly (in-JVM calls); a multi-process cluster will put
 * gRPC stubs behind the same interfaces. Depends only on engine-core.
 */
package dev.sluice.engine.cluster.rpc;
