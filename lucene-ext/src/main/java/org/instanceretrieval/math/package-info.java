/** Vector kernels: Lucene's {@code VectorUtil} for single vectors, blocked kernels for many. */
package org.instanceretrieval.math;
