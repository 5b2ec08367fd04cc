package io.ipcgateway.bench.report;

import java.util.List;
import java.util.Locale;

import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.RunResult;
import io.ipcgateway.bench.transport.Transports;
import org.HdrHistogram.Histogram;

/**
 * An SVG of latency by percentile, one panel per workload and one line per transport, in the HdrHistogram style:
 * the x axis is {@code 1 / (1 - percentile)} on a log scale (0, 90, 99, 99.9, 99.99, 99.999 %), the y axis is
 * latency in microseconds on a log scale. Written by hand: no plotting tool is needed.
 */
public final class SvgPlot
{
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int PANEL_WIDTH = 580;
    private static final int PANEL_HEIGHT = 320;
    private static final int COLUMNS = 2;
    private static final int MARGIN_LEFT = 70;
    private static final int MARGIN_RIGHT = 40;
    private static final int MARGIN_TOP = 40;
    private static final int MARGIN_BOTTOM = 50;
    private static final int TITLE_HEIGHT = 40;
    private static final double MAX_NINES = 5;
    private static final int POINTS = 120;
    private static final double MIN_US = 0.01;

    private SvgPlot()
    {
    }

    /**
     * Render the plot.
     *
     * @param results   results with histograms.
     * @param workloads panels, in order; workloads without results are skipped.
     * @return the SVG document.
     */
    public static String render(final List<RunResult> results, final List<Workload> workloads)
    {
        final List<String> names = workloads.stream().map(Workload::name)
            .filter(name -> results.stream().anyMatch(r -> r.workload().equals(name)))
            .toList();
        final int rows = Math.max(1, (names.size() + COLUMNS - 1) / COLUMNS);
        final int width = PANEL_WIDTH * COLUMNS;
        final int height = TITLE_HEIGHT + PANEL_HEIGHT * rows;
        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " +
            "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">" +
            "Latency by percentile (log scales; one-way latency for oneway, round trip otherwise)</text>%n",
            width / 2));
        for (int i = 0; i < names.size(); i++)
        {
            final String workload = names.get(i);
            final List<RunResult> lines = results.stream().filter(r -> r.workload().equals(workload)).toList();
            panel(svg, workload, lines, (i % COLUMNS) * PANEL_WIDTH, TITLE_HEIGHT + (i / COLUMNS) * PANEL_HEIGHT);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void panel(final StringBuilder svg, final String title, final List<RunResult> lines,
        final int left, final int top)
    {
        final int plotLeft = left + MARGIN_LEFT;
        final int plotTop = top + MARGIN_TOP;
        final int plotWidth = PANEL_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        final int plotHeight = PANEL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        final double[][] values = new double[lines.size()][];
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            values[i] = curve(Histograms.decode(lines.get(i).histogram()));
            for (final double v : values[i])
            {
                lowest = Math.min(lowest, v);
                highest = Math.max(highest, v);
            }
        }
        final double minDecade = Math.floor(Math.log10(Math.max(MIN_US, lowest == Double.MAX_VALUE ? 1 : lowest)));
        final double maxDecade = Math.max(minDecade + 1, Math.ceil(Math.log10(Math.max(MIN_US, highest))));

        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\" " +
            "text-anchor=\"middle\">%s</text>%n", plotLeft + plotWidth / 2, top + 24, escape(title)));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " +
            "stroke=\"#444\"/>%n", plotLeft, plotTop, plotWidth, plotHeight));
        for (int nines = 0; nines <= MAX_NINES; nines++)
        {
            final double x = plotLeft + plotWidth * nines / MAX_NINES;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" " +
                "stroke=\"#ddd\"/>%n", x, plotTop, x, plotTop + plotHeight));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                x, plotTop + plotHeight + 15, percentileLabel(nines)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            plotLeft + plotWidth / 2, plotTop + plotHeight + 32));
        for (int decade = (int)minDecade; decade <= (int)maxDecade; decade++)
        {
            final double y = plotTop + plotHeight - plotHeight * (decade - minDecade) / (maxDecade - minDecade);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" " +
                "stroke=\"#ddd\"/>%n", plotLeft, y, plotLeft + plotWidth, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                plotLeft - 5, y + 4, decadeLabel(decade)));
        }
        for (int i = 0; i < lines.size(); i++)
        {
            final StringBuilder points = new StringBuilder();
            for (int p = 0; p < values[i].length; p++)
            {
                final double x = plotLeft + plotWidth * (double)p / (values[i].length - 1);
                final double logValue = Math.log10(Math.max(MIN_US, values[i][p]));
                final double y = plotTop + plotHeight - plotHeight * (logValue - minDecade) / (maxDecade - minDecade);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" " +
                "points=\"%s\"/>%n", colour(lines.get(i).transport()), points.toString().trim()));
        }
        // The legend goes on top, on a white box, so it stays readable where the lines pass behind it.
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"80\" height=\"%d\" fill=\"white\" " +
            "fill-opacity=\"0.85\" stroke=\"#ccc\"/>%n", plotLeft + 4, plotTop + 3, 14 * lines.size() + 6));
        for (int i = 0; i < lines.size(); i++)
        {
            final int legendY = plotTop + 14 + 14 * i;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" " +
                "stroke-width=\"2\"/>%n", plotLeft + 8, legendY - 4, plotLeft + 26, legendY - 4,
                colour(lines.get(i).transport())));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n",
                plotLeft + 30, legendY, escape(lines.get(i).transport())));
        }
    }

    /**
     * Latency in microseconds at {@value #POINTS} points evenly spaced in "nines" from 0 % to 99.999 %.
     *
     * @param histogram in nanoseconds.
     * @return the values.
     */
    static double[] curve(final Histogram histogram)
    {
        final double[] values = new double[POINTS];
        for (int p = 0; p < POINTS; p++)
        {
            final double nines = MAX_NINES * p / (POINTS - 1);
            final double percentile = 100.0 * (1.0 - Math.pow(10, -nines));
            values[p] = histogram.getValueAtPercentile(percentile) / 1000.0;
        }
        return values;
    }

    private static String percentileLabel(final int nines)
    {
        if (nines == 0)
        {
            return "0%";
        }
        final String label = String.format(Locale.ROOT, "%." + Math.max(0, nines - 2) + "f",
            100.0 * (1.0 - Math.pow(10, -nines)));
        return label + "%";
    }

    private static String decadeLabel(final int decade)
    {
        if (decade < 0)
        {
            return Math.pow(10, decade) + " us";
        }
        final String[] units = {"us", "ms", "s"};
        final int unit = Math.min(decade / 3, units.length - 1);
        return String.format(Locale.ROOT, "%.0f %s", Math.pow(10, decade - 3 * unit), units[unit]);
    }

    /** The same transport has the same colour in every panel, also when it is missing from one. */
    private static String colour(final String transport)
    {
        final int index = Transports.NAMES.indexOf(transport);
        return COLOURS[(index < 0 ? COLOURS.length - 1 : index) % COLOURS.length];
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
