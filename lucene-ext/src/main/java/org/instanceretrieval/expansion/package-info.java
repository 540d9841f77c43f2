/**
 * Query expansion and database-side augmentation (definitions, "Query expansion and
 * database-side augmentation"): {@link org.instanceretrieval.expansion.AlphaQueryExpansion}
 * (alpha-QE, AQE), {@link org.instanceretrieval.expansion.DatabaseAugmentation} (alpha-DBA,
 * PyRetri's DBA), the ranked {@link org.instanceretrieval.expansion.NeighbourList} they consume,
 * and brute-force {@link org.instanceretrieval.expansion.ExactNeighbours}.
 */
package org.instanceretrieval.expansion;
