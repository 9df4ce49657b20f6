package org.backprop4j.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.apache.batik.svggen.SVGIDGenerator;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

/**
 * Line charts drawn by JFreeChart, written as PNG (through ImageIO) or as SVG (through Apache Batik's
 * SVG generator, Apache-2.0):
 * one look for the compare plot and the report's charts. White background, light grid, labelled
 * axes with units, a legend, and the Okabe–Ito colours (distinguishable with colour blindness).
 * Off-screen only: no display is needed or touched.
 */
public final class Charts {
    static {
        // Before any AWT class loads; ./nn and the tests also pass it, this covers the Java API use.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] COLOURS = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
    };
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 16);
    private static final Font SUBTITLE = new Font("SansSerif", Font.PLAIN, 12);
    private static final Font LABEL = new Font("SansSerif", Font.PLAIN, 13);
    private static final Font TICKS = new Font("SansSerif", Font.PLAIN, 11);

    private Charts() {
    }

    /** One line: its legend name and points (x[i], y[i]); NaN and, on a log axis, non-positive y are left out. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    /** One panel's x axis and lines. */
    public record Panel(String xLabel, List<Series> series) { }

    /**
     * A chart of one panel. {@code logY}: a log scale if the values span at least a factor of
     * {@value #LOG_SPAN} (below that a log axis has no decade to mark, and a linear one reads better).
     */
    public static JFreeChart lines(String title, String subtitle, String yLabel, boolean logY, Panel panel) {
        logY = logY && spansDecade(List.of(panel));
        XYPlot plot = plot(panel, logY);
        plot.setRangeAxis(yAxis(yLabel, logY));
        return chart(title, subtitle, plot);
    }

    /** Panels side by side sharing one y axis (and so one scale), with one legend for all. */
    public static JFreeChart sideBySide(String title, String subtitle, String yLabel, boolean logY, List<Panel> panels) {
        logY = logY && spansDecade(panels);
        CombinedRangeXYPlot combined = new CombinedRangeXYPlot(yAxis(yLabel, logY));
        combined.setGap(18);
        LegendItemCollection legend = null;
        for (Panel p : panels) {
            XYPlot plot = plot(p, logY);
            combined.add(plot, 1);
            if (legend == null) legend = plot.getLegendItems(); // the same lines in every panel: list them once
        }
        combined.setFixedLegendItems(legend);
        return chart(title, subtitle, combined);
    }

    static final double LOG_SPAN = 10;

    private static boolean spansDecade(List<Panel> panels) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (Panel p : panels) {
            for (Series s : p.series()) {
                for (double y : s.y()) {
                    if (Double.isFinite(y) && y > 0) {
                        min = Math.min(min, y);
                        max = Math.max(max, y);
                    }
                }
            }
        }
        return max / min >= LOG_SPAN;
    }

    private static XYPlot plot(Panel panel, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDrawSeriesLineAsPath(true); // one path per line: small, smooth SVG
        for (int s = 0; s < panel.series().size(); s++) {
            Series in = panel.series().get(s);
            XYSeries series = new XYSeries(in.name(), false, true);
            for (int i = 0; i < in.x().length; i++) {
                double y = in.y()[i];
                if (Double.isFinite(y) && Double.isFinite(in.x()[i]) && (!logY || y > 0)) series.add(in.x()[i], y);
            }
            data.addSeries(series);
            Color c = COLOURS[s % COLOURS.length];
            renderer.setSeriesPaint(s, c);
            renderer.setSeriesStroke(s, in.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            renderer.setSeriesShapesVisible(s, series.getItemCount() == 1); // a line of one point is a dot
        }
        NumberAxis x = new NumberAxis(panel.xLabel());
        x.setLabelFont(LABEL);
        x.setTickLabelFont(TICKS);
        x.setAutoRangeIncludesZero(true);
        x.setLowerMargin(0);
        XYPlot plot = new XYPlot(data, x, null, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeMinorGridlinesVisible(logY);               // 2, 3, … 9 within each decade
        plot.setRangeMinorGridlinePaint(new Color(0xF0F0F0));
        plot.setRangeMinorGridlineStroke(new BasicStroke(0.5f));
        plot.setOutlinePaint(new Color(0x999999));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        return plot;
    }

    private static ValueAxis yAxis(String label, boolean log) {
        ValueAxis axis;
        if (log) {
            LogAxis a = new LogAxis(label + " (log scale)");
            a.setSmallestValue(1e-12);
            a.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));   // a labelled tick per decade
            a.setMinorTickCount(9);
            a.setMinorTickMarksVisible(true);
            axis = a;
        } else {
            NumberAxis a = new NumberAxis(label);
            a.setAutoRangeIncludesZero(false);
            axis = a;
        }
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICKS);
        return axis;
    }

    private static JFreeChart chart(String title, String subtitle, org.jfree.chart.plot.Plot plot) {
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 16));
        if (subtitle != null) chart.addSubtitle(new TextTitle(subtitle, SUBTITLE));
        LegendTitle legend = chart.getLegend();
        legend.setItemFont(LABEL);
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        legend.setPosition(RectangleEdge.BOTTOM);
        return chart;
    }

    /** The chart as a PNG image of width × height pixels. */
    public static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The chart as an {@code <svg>} element of width × height user units that scales with its box
     * (viewBox), for a file or to inline in HTML. {@code id} must be unique in the page: it also
     * prefixes the ids of the chart's clip paths, which would otherwise clash between charts.
     */
    public static String svg(JFreeChart chart, int width, int height, String id) {
        Document document;
        try {
            document = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML DOM in this JDK", e);
        }
        SVGGeneratorContext context = SVGGeneratorContext.createDefault(document);
        context.setIDGenerator(new PrefixedIds(id + "-"));
        context.setComment(null);                              // no "Generated by ..." comment in every chart
        SVGGraphics2D g = new SVGGraphics2D(context, false);   // text stays text: searchable, selectable
        g.setSVGCanvasSize(new Dimension(width, height));
        chart.draw(g, new Rectangle(0, 0, width, height));
        Element root = g.getRoot();
        root.setAttribute("id", id);
        root.setAttribute("viewBox", "0 0 " + width + " " + height);
        // Batik names its (here empty) shared defs "genericDefs" in every chart: unique ids for a page of charts
        Element genericDefs = (Element) root.getElementsByTagName("defs").item(0);
        if (genericDefs != null && "genericDefs".equals(genericDefs.getAttribute("id"))) genericDefs.setAttribute("id", id + "-generic-defs");
        // The element alone, without Batik's XML declaration and DOCTYPE (a DTD address), so that it inlines in HTML
        StringWriter out = new StringWriter();
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.transform(new DOMSource(root), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IllegalStateException("could not write the chart as SVG", e);
        }
        return out.toString();
    }

    /** Batik's ids (clip paths, gradients) with the chart's prefix, unique when several charts share a page. */
    private static final class PrefixedIds extends SVGIDGenerator {
        private final String prefix;

        PrefixedIds(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public String generateID(String kind) {
            return prefix + super.generateID(kind);
        }
    }

    /** A standalone SVG file's text. */
    public static String svgDocument(JFreeChart chart, int width, int height) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(chart, width, height, "chart") + "\n";
    }
}
