package org.instanceretrieval.eval.format;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Pickler;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.junit.Test;

/**
 * {@link RevisitopPickle} on pickles of the structure of revisitop's gnd_roxford5k.pkl (no real
 * one is available here): one written by Pyrolite with 70 queries outside the database, and one
 * written by python3 with protocol 5 (frames, memo, short strings).
 */
public class RevisitopPickleTest {

    /** 70 queries q_00..q_69 over a database of 100 images; query q: easy {q, q+1}, hard {q+2}, junk {q+3} (mod 100). */
    @Test
    public void seventyQueriesNotInTheDatabase() throws Exception {
        List<String> imlist = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            imlist.add(String.format(java.util.Locale.ROOT, "db_%03d", i));
        }
        List<String> qimlist = new ArrayList<>();
        List<Object> gnd = new ArrayList<>();
        for (int q = 0; q < 70; q++) {
            qimlist.add(String.format(java.util.Locale.ROOT, "q_%02d", q));
            Map<String, Object> entry = new HashMap<>();
            entry.put("easy", List.of(q % 100, (q + 1) % 100));
            entry.put("hard", List.of((q + 2) % 100));
            entry.put("junk", List.of((q + 3) % 100));
            entry.put("bbx", List.of(q + 0.5, 1.0, q + 10.5, 20.0));
            gnd.add(entry);
        }
        byte[] pickle = new Pickler().dumps(Map.of("imlist", imlist, "qimlist", qimlist, "gnd", gnd));

        NamedGroundTruth gt = RevisitopPickle.parse(pickle, null);
        assertEquals("revisited", gt.defaultProtocol());
        assertEquals(imlist, gt.database());
        assertEquals(70, gt.queries().size());
        Set<String> database = new HashSet<>(imlist);
        for (int q = 0; q < 70; q++) {
            NamedQuery query = gt.queries().get(q);
            assertFalse(database.contains(query.name()));
            assertEquals(qimlist.get(q), query.name());
            assertEquals(List.of(imlist.get(q), imlist.get(q + 1)), query.easy());
            assertEquals(List.of(imlist.get(q + 2)), query.hard());
            assertEquals(List.of(imlist.get(q + 3)), query.junk());
            assertEquals(List.of(), query.positives());
            assertEquals(new BoundingBox(q + 0.5, 1, q + 10.5, 20), query.box());
        }
    }

    /**
     * Written by python3 (protocol 5):
     * {@code pickle.dumps({'imlist': ['db_a','db_b','db_c','db_d'], 'qimlist': ['q_1','q_2'], 'gnd': [
     * {'easy': [0,1], 'hard': [2], 'junk': [3], 'bbx': [1.5,2,10,20.25]},
     * {'easy': [], 'hard': [3], 'junk': [0,1], 'bbx': None}]}, protocol=5)}.
     */
    private static final String PYTHON_PROTOCOL_5 = "gAWVuQAAAAAAAAB9lCiMBmltbGlzdJRdlCiMBGRiX2GUjARkYl9ilIwEZGJfY5SMBGRiX2SUZYwHcWltbGlzdJRdlCiMA3FfMZSMA3FfMpRljANnbmSUXZQofZQojARlYXN5lF2UKEsASwFljARoYXJklF2USwJhjARqdW5rlF2USwNhjANiYniUXZQoRz/4AAAAAAAASwJLCkdANEAAAAAAAGV1fZQoaA5dlGgQXZRLA2FoEl2UKEsASwFlaBROdWV1Lg==";

    @Test
    public void pythonProtocol5() {
        NamedGroundTruth gt = RevisitopPickle.parse(Base64.getDecoder().decode(PYTHON_PROTOCOL_5), null);
        assertEquals(List.of("db_a", "db_b", "db_c", "db_d"), gt.database());
        NamedQuery q1 = gt.queries().get(0);
        assertEquals("q_1", q1.name());
        assertEquals(List.of("db_a", "db_b"), q1.easy());
        assertEquals(List.of("db_c"), q1.hard());
        assertEquals(List.of("db_d"), q1.junk());
        assertEquals(new BoundingBox(1.5, 2, 10, 20.25), q1.box());
        NamedQuery q2 = gt.queries().get(1);
        assertEquals(List.of(), q2.easy());
        assertEquals(List.of("db_d"), q2.hard());
        assertEquals(List.of("db_a", "db_b"), q2.junk());
        assertNull(q2.box());
    }

    @Test
    public void aCirtorchPickleIsNotARevisitedOne() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RevisitopPickle.parse(GroundTruthPickles.bytes("oxford5k"), null));
        assertThat(e.getMessage(), containsString("[gnd][0] has no [easy]"));
    }

    @Test
    public void easyAndJunkOverlapIsRejected() throws Exception {
        byte[] pickle = new Pickler().dumps(Map.of("imlist", List.of("a", "b"), "qimlist", List.of("q"),
            "gnd", List.of(Map.of("easy", List.of(0), "hard", List.of(), "junk", List.of(0)))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RevisitopPickle.parse(pickle, null));
        assertThat(e.getMessage(), containsString("query [q] lists image [a] as both relevant and junk"));
    }
}
