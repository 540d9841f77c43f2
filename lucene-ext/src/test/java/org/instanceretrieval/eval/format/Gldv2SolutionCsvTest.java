package org.instanceretrieval.eval.format;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.instanceretrieval.eval.NamedGroundTruth;
import org.instanceretrieval.eval.NamedGroundTruth.NamedQuery;
import org.junit.Test;

public class Gldv2SolutionCsvTest {

    @Test
    public void publicAndPrivateQueriesWithTheirPositives() {
        String csv = "id,images,Usage\n"
            + "0a1b,f00 f01 f02,Public\r\n"
            + "0a1c,None,Ignored\n"
            + "\n"
            + "0a1d,\"f03\",Private\n";
        NamedGroundTruth gt = Gldv2SolutionCsv.parse(csv, null);
        assertEquals("gldv2", gt.defaultProtocol());
        assertNull(gt.database());
        assertEquals(List.of(
            new NamedQuery("0a1b", List.of("f00", "f01", "f02"), List.of(), List.of(), List.of(), null),
            new NamedQuery("0a1d", List.of("f03"), List.of(), List.of(), List.of(), null)
        ), gt.queries());
    }

    @Test
    public void columnsInAnyOrder() {
        NamedGroundTruth gt = Gldv2SolutionCsv.parse("\uFEFFUsage,id,images\nPublic,q1,a b\n", null);
        assertEquals(List.of("a", "b"), gt.queries().get(0).positives());
        assertEquals("q1", gt.queries().get(0).name());
    }

    @Test
    public void badCsvIsRejectedNamingTheLine() {
        assertMessage("id,images\nq,a\n", "has no column [Usage]");
        assertMessage("id,images,Usage\nq,a,Public,extra\n", "line 2 has 4 fields, the header 3");
        assertMessage("id,images,Usage\nq,a,Secret\n", "line 2 has Usage [Secret]");
        assertMessage("id,images,Usage\nq,a a,Public\n", "line 2: query [q] lists image [a] twice");
        assertMessage("id,images,Usage\nq,None,Ignored\n", "no Public or Private query");
        assertMessage("\n\n", "the CSV is empty");
    }

    private static void assertMessage(String csv, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gldv2SolutionCsv.parse(csv, null));
        assertThat(e.getMessage(), containsString(expected));
    }
}
