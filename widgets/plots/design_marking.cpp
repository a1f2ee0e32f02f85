// Grey, "updating…" plots for results of another design.
#include "plots/design_marking.h"

#include "plots/customplot.h"
#include "plots/plot_hover.h"

namespace axbnn::gui {

void markDesign(QCustomPlot* plot, QCPTextElement* title, const QString& text, const std::string& dataHash, bool stale)
{
    title->setText(stale ? QObject::tr("%1 — updating…").arg(text) : text);
    title->setTextColor(stale ? QColor(140, 140, 140) : QColor(Qt::black));
    const QColor grey(190, 190, 190);
    for (int i = 0; i < plot->graphCount(); ++i) {
        QCPGraph* graph = plot->graph(i);
        QVariant normal = graph->property("normalPen");
        if (!normal.isValid()) {
            normal = QVariant::fromValue(graph->pen());
            graph->setProperty("normalPen", normal);
            graph->setProperty("normalScatter", QVariant::fromValue(graph->scatterStyle().pen()));
        }
        QPen pen = normal.value<QPen>();
        QPen scatterPen = graph->property("normalScatter").value<QPen>();
        if (stale) {
            pen.setColor(grey);
            scatterPen.setColor(grey);
        }
        graph->setPen(pen);
        QCPScatterStyle scatter = graph->scatterStyle();
        scatter.setPen(scatterPen);
        graph->setScatterStyle(scatter);
    }
    hideHoverMarker(plot); // it marked a point of the data drawn before
    plot->setProperty("designHash", QString::fromStdString(dataHash));
    plot->setProperty("stale", stale);
}

} // namespace axbnn::gui
