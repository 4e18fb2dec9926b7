package io.airssys.rt.benchmarks.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Line charts of the report, drawn with JFreeChart into PNG files. */
final class Charts {

    private Charts() {
    }

    /**
     * Draws one line per series.
     *
     * @param file   the PNG to write
     * @param title  the chart title
     * @param xLabel the x axis label (logarithmic)
     * @param yLabel the y axis label
     * @param series name to (x, y) points
     * @param logY   whether the y axis is logarithmic too
     * @throws IOException if the file cannot be written
     */
    static void lines(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series,
                      boolean logY) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            for (double[] p : points) {
                if (!Double.isNaN(p[1]) && p[1] > 0) {
                    s.add(p[0], p[1]);
                }
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis x = new LogarithmicAxis(xLabel);
        x.setAllowNegativesFlag(false);
        plot.setDomainAxis(x);
        if (logY) {
            LogarithmicAxis y = new LogarithmicAxis(yLabel);
            y.setAllowNegativesFlag(false);
            plot.setRangeAxis(y);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 540);
    }
}
