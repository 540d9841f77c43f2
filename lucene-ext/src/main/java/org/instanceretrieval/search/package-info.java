/** Lucene queries of the plugin that use only Lucene types: exact (brute-force) vector scoring. */
package org.instanceretrieval.search;
