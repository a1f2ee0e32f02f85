// Nearest-point search over a plot's graphs and bars, shown as a tooltip and tracer.
#include "plots/plot_hover.h"

#include <QHash>
#include <QPointer>
#include <QToolTip>

#include <limits>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

constexpr double kMaxPixels = 12.0;

struct Hit {
    QCPAbstractPlottable* plottable = nullptr;
    double key = 0.0, value = 0.0;
};

template <class Container>
void search(QCPAbstractPlottable* p, const Container& data, const QPointF& mouse, double& best, Hit& hit)
{
    for (auto it = data.constBegin(); it != data.constEnd(); ++it) {
        const QPointF pixel = p->coordsToPixels(it->mainKey(), it->mainValue());
        const double d = QLineF(pixel, mouse).length();
        if (d < best) {
            best = d;
            hit = {p, it->mainKey(), it->mainValue()};
        }
    }
}

Hit nearest(QCustomPlot* plot, const QPointF& mouse)
{
    double best = kMaxPixels;
    Hit hit;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable* p = plot->plottable(i);
        if (!p->visible())
            continue;
        if (auto* graph = qobject_cast<QCPGraph*>(p))
            search(p, *graph->data(), mouse, best, hit);
        else if (auto* bars = qobject_cast<QCPBars*>(p))
            search(p, *bars->data(), mouse, best, hit);
    }
    return hit;
}

QHash<QCustomPlot*, HoverFormatter>& formatters()
{
    static QHash<QCustomPlot*, HoverFormatter> map;
    return map;
}

QString format(QCustomPlot* plot, const Hit& hit)
{
    if (!hit.plottable)
        return {};
    const auto it = formatters().constFind(plot);
    if (it != formatters().constEnd() && *it)
        return (*it)(hit.plottable, hit.key, hit.value);
    return QStringLiteral("%1: %2, %3").arg(hit.plottable->name()).arg(hit.key, 0, 'g', 5).arg(hit.value, 0, 'g', 5);
}

} // namespace

void hideHoverMarker(QCustomPlot* plot)
{
    for (int i = 0; i < plot->itemCount(); ++i)
        if (QCPAbstractItem* item = plot->item(i); item->objectName() == QLatin1String("hoverTracer"))
            item->setVisible(false);
    QToolTip::hideText();
}

QString hoverText(QCustomPlot* plot, double x, double y)
{
    return format(plot, nearest(plot, QPointF(x, y)));
}

void installHoverReadout(QCustomPlot* plot, HoverFormatter formatter)
{
    formatters().insert(plot, std::move(formatter));
    QObject::connect(plot, &QObject::destroyed, [plot] { formatters().remove(plot); });
    auto* tracer = new QCPItemTracer(plot);
    tracer->setStyle(QCPItemTracer::tsCircle);
    tracer->setSize(10);
    tracer->setPen(QPen(Qt::black, 1.5));
    tracer->setVisible(false);
    tracer->setSelectable(false);
    tracer->setObjectName(QStringLiteral("hoverTracer"));
    QObject::connect(plot, &QCustomPlot::mouseMove, plot, [plot, tracer](QMouseEvent* event) {
        const Hit hit = nearest(plot, event->position());
        const QString text = format(plot, hit);
        const bool show = !text.isEmpty();
        if (show) {
            tracer->setClipAxisRect(hit.plottable->keyAxis()->axisRect());
            tracer->position->setAxes(hit.plottable->keyAxis(), hit.plottable->valueAxis());
            tracer->position->setCoords(hit.key, hit.value);
            QToolTip::showText(event->globalPosition().toPoint(), text, plot);
        } else {
            QToolTip::hideText();
        }
        if (show || tracer->visible()) {
            tracer->setVisible(show);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
    });
}

} // namespace axbnn::gui
