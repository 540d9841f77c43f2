package org.instanceretrieval.es.job;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.tasks.TaskCancelHelper;
import org.elasticsearch.tasks.TaskCancelledException;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.xcontent.XContentParseException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job skeleton on its own: the status a task reports, cancellation, declared body parsing and the result object. */
public class JobSkeletonTests extends ESTestCase {

    private static JobTask task(String description) {
        return new JobTask(3, "transport", "cluster:admin/test", description, TaskId.EMPTY_TASK_ID, Map.of(),
            new JobTask.Progress("checking", "items_read", "items_written"));
    }

    public void testStatusNamesThePhaseAndTheCountersInDeclaredOrder() throws IOException {
        JobTask task = task("copy [a]");
        assertEquals("{\"phase\":\"checking\",\"items_read\":0,\"items_written\":0}", Strings.toString(task.getStatus()));
        task.phase("writing");
        task.counter("items_read").accept(12);
        task.increment("items_written");
        task.increment("items_written");
        assertEquals("{\"phase\":\"writing\",\"items_read\":12,\"items_written\":2}", Strings.toString(task.getStatus()));
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> task.count("items_lost", 1));
        assertEquals("counter [items_lost] is not one of [items_read, items_written]", e.getMessage());

        BytesStreamOutput out = new BytesStreamOutput();
        task.getStatus().writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            JobStatus read = new JobStatus(in);
            assertEquals(task.getStatus(), read);
            assertEquals(List.of("items_read", "items_written"), new ArrayList<>(read.counters().keySet()));
            assertEquals(JobStatus.NAME, read.getWriteableName());
        }
    }

    /** Parts finishing on several threads add to a counter; the status ends at the sum whatever the order of the threads. */
    public void testAddsFromManyThreadsEndAtTheirSum() throws Exception {
        JobTask task = task("copy [b]");
        int threads = 8;
        int adds = 1000;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int delta = t + 1;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < adds; i++) {
                    task.add("items_read", delta);
                }
            });
            started.add(thread);
            thread.start();
        }
        for (Thread thread : started) {
            thread.join();
        }
        // 1000 x (1 + 2 + ... + 8)
        assertEquals("{\"phase\":\"checking\",\"items_read\":36000,\"items_written\":0}", Strings.toString(task.getStatus()));
        assertEquals(36005, task.add("items_read", 5));
        assertEquals(36005, task.value("items_read"));
    }

    public void testCancellationIsReportedWithTheDescription() {
        JobTask task = task("copy [a]");
        task.checkCancelled();
        TaskCancelHelper.cancel(task, "by test");
        TaskCancelledException e = expectThrows(TaskCancelledException.class, task::checkCancelled);
        assertEquals("[copy [a]] cancelled: by test", e.getMessage());
    }

    /** A body of two keys and an object. */
    private static final class Body {
        String name;
        Integer size;
        Inner inner;
    }

    private static final class Inner {
        Boolean flag;
    }

    private static final JobBody<Inner> INNER = new JobBody<>("inner", Inner::new, (key, keys) -> "no [" + key + "] in [inner]")
        .declare("flag", (i, v) -> i.flag = v, JobBody.BOOLEAN);
    private static final JobBody<Body> BODY = new JobBody<>("test", Body::new, (key, keys) -> "unknown [" + key + "], expected " + keys)
        .declare("size", (b, v) -> b.size = v, JobBody.INTEGER)
        .declare("name", (b, v) -> b.name = v, JobBody.STRING)
        .declare("inner", (b, v) -> b.inner = v, (key, v) -> INNER.parse(JobBody.OBJECT.read(key, v)));

    private static String error(Map<String, Object> body) {
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> BODY.parse(body));
        assertFalse("the parser's wrapper is not shown", e instanceof XContentParseException);
        return e.getMessage();
    }

    public void testBodyIsParsedByDeclaredKeysWithTheEndpointsOwnErrors() {
        Body b = BODY.parse(Map.of("name", "x", "size", 3.0, "inner", Map.of("flag", true)));
        assertEquals("x", b.name);
        assertEquals(Integer.valueOf(3), b.size);
        assertEquals(Boolean.TRUE, b.inner.flag);

        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("name", null);
        assertNull("null is absent", BODY.parse(withNull).name);

        assertEquals("unknown [colour], expected [inner, name, size]", error(Map.of("colour", 1)));
        assertEquals("[size] must be an integer, got [2.5]", error(Map.of("size", 2.5)));
        assertEquals("[size] must be an integer, got [5]", error(Map.of("size", "5")));
        assertEquals("[size] must be an integer, got [3.0E9]", error(Map.of("size", 3e9)));
        assertEquals("[name] must be a non-empty string, got []", error(Map.of("name", "")));
        assertEquals("[name] must be a non-empty string, got [[a]]", error(Map.of("name", List.of("a"))));
        assertEquals("[inner] must be an object, got [1]", error(Map.of("inner", 1)));
        assertEquals("[flag] must be true or false, got [yes]", error(Map.of("inner", Map.of("flag", "yes"))));
        assertEquals("no [other] in [inner]", error(Map.of("inner", Map.of("other", 1))));
        assertEquals("[name] is required", expectThrows(IllegalArgumentException.class, () -> JobBody.required("name", null)).getMessage());
    }

    public void testResponseKeepsTheOrderOfItsKeysOnTheWire() throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("z", 1);
        result.put("a", null);
        result.put("m", List.of("x"));
        JobResponse response = new JobResponse(result);
        assertEquals("{\"z\":1,\"a\":null,\"m\":[\"x\"]}", Strings.toString(response));
        BytesStreamOutput out = new BytesStreamOutput();
        response.writeTo(out);
        try (StreamInput in = out.bytes().streamInput()) {
            assertEquals("{\"z\":1,\"a\":null,\"m\":[\"x\"]}", Strings.toString(new JobResponse(in)));
        }
    }
}
