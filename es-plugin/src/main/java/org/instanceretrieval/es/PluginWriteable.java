package org.instanceretrieval.es;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.TransportVersions;
import org.elasticsearch.common.io.stream.VersionedNamedWriteable;

/**
 * A named writeable of this plugin (its query and rescorer builders): every node that can read it runs the same plugin, built for
 * one 8.x release, so its wire format needs no version above {@code 8.0.0}.
 */
public interface PluginWriteable extends VersionedNamedWriteable {

    @Override
    default TransportVersion getMinimalSupportedVersion() {
        return TransportVersions.V_8_0_0;
    }
}
