package org.instanceretrieval.es.job;

import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.TaskCancelledException;
import org.elasticsearch.tasks.TaskId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * The task of a long job ({@link JobRequest#createTask}): cancellable ({@code POST _tasks/<id>/_cancel}, or closing the connection
 * of a waiting REST call), and reporting a {@link JobStatus}: the current phase and the job's counters.
 * <p>
 * Contract for a job: declare its first phase and its counters once ({@link Progress}, the counter names are the keys of the
 * status JSON), move through phases with {@link #phase}, update counters with {@link #count} / {@link #add} / {@link #increment} (any thread),
 * and call {@link #checkCancelled} between units of work (pages read, batches written, before and after a computation that
 * cannot be interrupted). Everything the job sends on behalf of the task goes through the child client of
 * {@link TransportJobAction.Job}, so that cancelling the task cancels it too.
 */
public class JobTask extends CancellableTask {

    /**
     * What a kind of job reports: its first phase and the names of its counters (all 0 at the start), in order.
     *
     * @param initialPhase the phase reported until the job sets another
     * @param counters     the counter names, the keys of the status after {@code phase}
     */
    public record Progress(String initialPhase, List<String> counters) {
        public Progress(String initialPhase, String... counters) {
            this(initialPhase, List.of(counters));
        }

        public Progress {
            counters = List.copyOf(counters);
        }
    }

    private final Progress progress;
    private final AtomicLongArray counts;
    private volatile String phase;

    public JobTask(long id, String type, String action, String description, TaskId parentTaskId, Map<String, String> headers,
        Progress progress) {
        super(id, type, action, description, parentTaskId, headers);
        this.progress = progress;
        this.counts = new AtomicLongArray(progress.counters().size());
        this.phase = progress.initialPhase();
    }

    /** Enters {@code phase} (lower case, as shown in the status). */
    public void phase(String phase) {
        this.phase = phase;
    }

    /** Sets {@code counter} to {@code value}. @throws IllegalArgumentException for a counter the job did not declare */
    public void count(String counter, long value) {
        counts.set(slot(counter), value);
    }

    /**
     * Adds {@code delta} to {@code counter} atomically and returns the new value. Jobs whose parts finish on several threads
     * count with this, never with {@code count(c, ownTotal.addAndGet(d))}: two such calls can set their totals in the opposite
     * order and leave the smaller one.
     */
    public long add(String counter, long delta) {
        return counts.addAndGet(slot(counter), delta);
    }

    /** The current value of {@code counter}. */
    public long value(String counter) {
        return counts.get(slot(counter));
    }

    /** Adds one to {@code counter}. */
    public void increment(String counter) {
        counts.incrementAndGet(slot(counter));
    }

    /** {@link #count} of {@code counter} as a consumer, for readers that report how far they are. */
    public LongConsumer counter(String counter) {
        int slot = slot(counter);
        return value -> counts.set(slot, value);
    }

    private int slot(String counter) {
        int slot = progress.counters().indexOf(counter);
        if (slot < 0) {
            throw new IllegalArgumentException("counter [" + counter + "] is not one of " + progress.counters());
        }
        return slot;
    }

    /** @throws TaskCancelledException {@code [<description>] cancelled: <reason>} once the task is cancelled */
    public void checkCancelled() {
        if (isCancelled()) {
            throw new TaskCancelledException("[" + getDescription() + "] cancelled: " + getReasonCancelled());
        }
    }

    @Override
    public JobStatus getStatus() {
        Map<String, Long> values = new LinkedHashMap<>();
        for (int i = 0; i < counts.length(); i++) {
            values.put(progress.counters().get(i), counts.get(i));
        }
        return new JobStatus(phase, values);
    }
}
