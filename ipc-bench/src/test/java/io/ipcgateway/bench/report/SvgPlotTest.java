package io.ipcgateway.bench.report;

import static io.ipcgateway.bench.report.Results.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import io.ipcgateway.bench.load.Histograms;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgPlotTest
{
    @Test
    void shouldDrawOneLinePerTransportInOnePanelPerWorkload() throws Exception
    {
        final String svg = SvgPlot.render(List.of(
            result("ipc", "rr-32c", 1e6, 20_000, List.of(1L, 1L)),
            result("uds", "rr-32c", 3e5, 90_000, List.of(1L, 1L)),
            result("ipc", "pingpong-spin", 2e6, 300, List.of(1L))), Workload.STANDARD);

        final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(document.getElementsByTagName("polyline").getLength()).isEqualTo(3);
        assertThat(svg).contains(">rr-32c<").contains(">pingpong-spin<").contains("99.999%")
            .doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void shouldSampleTheCurveFromMedianToTail()
    {
        final Histogram histogram = Histograms.newHistogram();
        for (int i = 1; i <= 100_000; i++)
        {
            histogram.recordValue(i);
        }

        final double[] curve = SvgPlot.curve(histogram);

        assertThat(curve[0]).isLessThan(0.01);
        assertThat(curve[curve.length - 1]).isCloseTo(100.0, org.assertj.core.api.Assertions.within(0.2));
        for (int i = 1; i < curve.length; i++)
        {
            assertThat(curve[i]).isGreaterThanOrEqualTo(curve[i - 1]);
        }
    }
}
