/**
 * Query expansion and database-side augmentation (definitions, "Query expansion and
 * database-side augmentation"): {@link org.instanceretrieval.expansion.AlphaQueryExpansion}
 * (alpha-QE, AQE), {@link org.instanceretrieval.expansion.DatabaseAugmentation} (alpha-DBA,
 * PyRetri's DBA), {@link org.instanceretrieval.expansion.QuerySetExpansion} (InsCLR's query-set
 * expansion over a candidate pool). Both consume ranked {@link org.instanceretrieval.neighbours.Neighbours}, e.g.
 * from {@link org.instanceretrieval.neighbours.ExactNeighbourSearch}.
 */
package org.instanceretrieval.expansion;
