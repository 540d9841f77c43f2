package org.instanceretrieval.es.query;

import org.elasticsearch.ElasticsearchSecurityException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.common.breaker.CircuitBreaker;
import org.elasticsearch.common.breaker.CircuitBreakingException;
import org.elasticsearch.transport.RemoteTransportException;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.ESTestCase;

/** Which failures of describing a query image keep their status, and that a message names the query image once. */
public class QueryImageDescriberTests extends ESTestCase {

    public void testMissingPrivilegesStay403() {
        ElasticsearchSecurityException denied = new ElasticsearchSecurityException(
            "action [cluster:admin/ingest/pipeline/simulate] is unauthorized for user [reader]", RestStatus.FORBIDDEN);
        RuntimeException e = QueryImageDescriber.describeFailure(denied);
        assertSame(denied, e);
        assertEquals(RestStatus.FORBIDDEN, ExceptionsHelper.status(e));
    }

    public void testAFullBreakerInsideTheProcessorStays429() {
        CircuitBreakingException full = new CircuitBreakingException("[retrieval] Data too large", CircuitBreaker.Durability.TRANSIENT);
        RuntimeException e = QueryImageDescriber.describeFailure(new RemoteTransportException("[node][ingest]", full));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, ExceptionsHelper.status(e));
    }

    public void testABadImageIs400NamingTheQueryImageOnce() {
        RuntimeException e = QueryImageDescriber.describeFailure(
            new RemoteTransportException("[node][ingest]", new IllegalArgumentException("unsupported image format: GIF")));
        assertEquals(RestStatus.BAD_REQUEST, ExceptionsHelper.status(e));
        assertEquals("[retrieval_knn] [query_image] could not be described: unsupported image format: GIF", e.getMessage());
    }
}
