/**
 * The portable job server (Beam Job API, artifact staging, expansion) and Fn-API stage
 * operators for non-Java SDKs. Not built yet: see the portability issue on the tracker.
 */
package dev.sluice.runner.portability;
