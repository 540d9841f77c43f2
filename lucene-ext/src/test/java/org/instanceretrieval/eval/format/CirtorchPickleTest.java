package org.instanceretrieval.eval.format;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.Pickler;
import net.razorvine.pickle.Unpickler;
import org.instanceretrieval.eval.BoundingBox;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.junit.Test;

/**
 * {@link CirtorchPickle} on the real Oxford5k and Paris6k pickles: the published sizes (5,063 /
 * 6,392 images, 55 queries), totals counted with python3 when the data was added, and every
 * query compared with a second, raw reading of the same file.
 */
public class CirtorchPickleTest {

    @Test
    public void oxford5k() throws Exception {
        byte[] bytes = GroundTruthPickles.bytes("oxford5k");
        NamedGroundTruth gt = CirtorchPickle.parse(bytes, null);
        assertEquals("oxford_paris", gt.defaultProtocol());
        assertEquals(5063, gt.database().size());
        assertEquals(55, gt.queries().size());
        // Counted with python3 on the same file: sum of len(ok) and len(junk) over the queries.
        assertEquals(2840, gt.queries().stream().mapToInt(q -> q.positives().size()).sum());
        assertEquals(1495, gt.queries().stream().mapToInt(q -> q.junk().size()).sum());
        NamedQuery first = gt.queries().get(0);
        assertEquals("all_souls_000013", first.name());
        assertEquals(new BoundingBox(136.5, 34.1, 648.5, 955.7), first.box());
        NamedQuery last = gt.queries().get(54);
        assertEquals("bodleian_000132", last.name());
        assertEquals(new BoundingBox(93, 110, 580, 925), last.box());
        assertEquals(221, last.positives().size());
        assertEquals(127, last.junk().size());
        assertMatchesRawReading(bytes, gt);
    }

    @Test
    public void paris6k() throws Exception {
        byte[] bytes = GroundTruthPickles.bytes("paris6k");
        NamedGroundTruth gt = CirtorchPickle.parse(bytes, null);
        assertEquals(6392, gt.database().size());
        assertEquals(55, gt.queries().size());
        assertEquals(8955, gt.queries().stream().mapToInt(q -> q.positives().size()).sum());
        assertEquals(8245, gt.queries().stream().mapToInt(q -> q.junk().size()).sum());
        assertEquals("paris_defense_000038", gt.queries().get(54).name());
        assertMatchesRawReading(bytes, gt);
    }

    /** The original protocol: the query image is in the database and among its own positives. */
    @Test
    public void everyQueryIsInTheDatabaseAndItsOwnPositives() throws Exception {
        for (String name : List.of("oxford5k", "paris6k")) {
            NamedGroundTruth gt = CirtorchPickle.parse(GroundTruthPickles.bytes(name), null);
            Set<String> database = new HashSet<>(gt.database());
            for (NamedQuery q : gt.queries()) {
                assertTrue(q.name(), database.contains(q.name()));
                assertTrue(q.name(), q.positives().contains(q.name()));
            }
        }
    }

    /** Second reading: qidx points at the query's name, ok/junk indices resolve to the same names. */
    private static void assertMatchesRawReading(byte[] bytes, NamedGroundTruth gt) throws Exception {
        Map<?, ?> raw = (Map<?, ?>) new Unpickler().load(new ByteArrayInputStream(bytes));
        List<?> imlist = (List<?>) raw.get("imlist");
        List<?> qidx = (List<?>) raw.get("qidx");
        List<?> gnd = (List<?>) raw.get("gnd");
        assertEquals(imlist, gt.database());
        for (int q = 0; q < gnd.size(); q++) {
            Map<?, ?> entry = (Map<?, ?>) gnd.get(q);
            NamedQuery query = gt.queries().get(q);
            assertEquals(imlist.get((Integer) qidx.get(q)), query.name());
            assertEquals(namesOf(imlist, (List<?>) entry.get("ok")), query.positives());
            assertEquals(namesOf(imlist, (List<?>) entry.get("junk")), query.junk());
            assertEquals(List.of(), query.easy());
            assertEquals(List.of(), query.hard());
        }
    }

    private static List<String> namesOf(List<?> imlist, List<?> indices) {
        List<String> names = new ArrayList<>();
        for (Object i : indices) {
            names.add((String) imlist.get((Integer) i));
        }
        return names;
    }

    /** A cirtorch-like pickle with both good and ok (the original split): positives are their union. */
    @Test
    public void goodAndOkAreBothPositives() throws Exception {
        Map<String, Object> root = Map.of(
            "imlist", List.of("a", "b", "c", "d"),
            "qimlist", List.of("a"),
            "gnd", List.of(Map.of("good", List.of(0, 1), "ok", List.of(2), "junk", List.of(3), "bbx", List.of(1, 2, 3, 4)))
        );
        NamedGroundTruth gt = CirtorchPickle.parse(new Pickler().dumps(root), "instre");
        assertEquals("instre", gt.defaultProtocol());
        NamedQuery q = gt.queries().get(0);
        assertEquals(List.of("a", "b", "c"), q.positives());
        assertEquals(List.of("d"), q.junk());
        assertEquals(new BoundingBox(1, 2, 3, 4), q.box());
    }

    @Test
    public void badPicklesAreRejectedNamingTheProblem() throws Exception {
        byte[] oxford = GroundTruthPickles.bytes("oxford5k");
        assertMessage(Arrays.copyOf(oxford, 1000), "malformed pickle");
        assertMessage(new byte[0], "the pickle is empty");
        assertMessage("not a pickle at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "malformed pickle");
        // BINUNICODE declaring 2 GiB: refused before Pyrolite allocates it.
        assertMessage(new byte[] { (byte) 0x80, 3, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'a', '.' }, "runs past the end");
        Pickler pickler = new Pickler();
        assertMessage(pickler.dumps(List.of(1, 2)), "top-level object must be a dict");
        assertMessage(pickler.dumps(Map.of("imlist", List.of("a"), "gnd", List.of())), "has no [qimlist]");
        assertMessage(pickler.dumps(Map.of("imlist", List.of("a"), "qimlist", List.of("a"), "gnd", List.of(Map.of("ok", List.of(5))))),
            "[gnd][0][ok][0] = 5 is outside [0, 1)");
        assertMessage(pickler.dumps(Map.of("imlist", List.of("a", "b"), "qimlist", List.of("a"),
            "gnd", List.of(Map.of("ok", List.of(0, 1), "junk", List.of(1))))), "as both relevant and junk");
        assertMessage(pickler.dumps(Map.of("imlist", List.of("a"), "qimlist", List.of("a", "b"), "gnd", List.of())),
            "[gnd] has 0 entries but [qimlist] has 2");
    }

    /**
     * Written by python3 with numpy 2.4: the same structure with {@code 'ok': np.array([0, 1])}.
     * Pyrolite builds no numpy arrays; the error says what to do.
     */
    @Test
    public void numpyArraysAreRejectedWithAHint() {
        byte[] pickle = java.util.Base64.getDecoder().decode("gAN9cQAoWAYAAABpbWxpc3RxAV1xAihYAQAAAGFxA1gBAAAAYnEEZVgHAAAAcWltbGlzdHEFXXEGaANhWAMAAABnbmRxB11xCH1xCShYAgAAAG9rcQpjbnVtcHkuX2NvcmUubXVsdGlhcnJheQpfcmVjb25zdHJ1Y3QKcQtjbnVtcHkKbmRhcnJheQpxDEsAhXENQwFicQ6HcQ9ScRAoSwFLAoVxEWNudW1weQpkdHlwZQpxElgCAAAAaThxE4mIh3EUUnEVKEsDWAEAAAA8cRZOTk5K/////0r/////SwB0cRdiiUMQAAAAAAAAAAABAAAAAAAAAHEYdHEZYlgEAAAAanVua3EaXXEbWAMAAABiYnhxHF1xHShLAUsCSwNLBGV1YXUu");
        assertMessage(pickle, "the pickle holds an object of class [numpy._core.multiarray._reconstruct]");
        assertMessage(pickle, "convert numpy arrays with tolist()");
    }

    private static void assertMessage(byte[] pickle, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CirtorchPickle.parse(pickle, null));
        assertThat(e.getMessage(), containsString(expected));
    }

    @Test
    public void boxMayBeAbsent() throws Exception {
        Map<String, Object> root = Map.of("imlist", List.of("a", "b"), "qimlist", List.of("a"), "gnd", List.of(Map.of("ok", List.of(0))));
        assertNull(CirtorchPickle.parse(new Pickler().dumps(root), null).queries().get(0).box());
    }
}
