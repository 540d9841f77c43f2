package org.instanceretrieval.es;

import org.elasticsearch.plugins.Plugin;

/**
 * Entry point of the instance-retrieval plugin. Each capability (ingest processor, queries,
 * rescorers, REST endpoints) registers itself here through the matching plugin interface.
 */
public class InstanceRetrievalPlugin extends Plugin {
}
