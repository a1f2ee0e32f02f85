// Legend painting for screen and export.
#include "circuit_view/circuit_legend.h"

#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace axbnn::gui {

QColor CircuitPalette::errorScale(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    // white -> yellow over the first half, yellow -> red over the second.
    if (t < 0.5)
        return QColor::fromRgbF(1.0, 1.0, 1.0 - 2.0 * t * 0.85);
    return QColor::fromRgbF(1.0, 1.0 - (t - 0.5) * 2.0 * 0.85, 0.15);
}

double CircuitPalette::logShare(double value, double max)
{
    if (!(value > 0.0) || !(max > 0.0))
        return 0.0;
    return std::clamp(1.0 + std::log10(value / max) / kDecades, 0.0, 1.0);
}

namespace {

double swatch(QPainter& p, double x, double y, const QColor& fill, const QString& text, bool heavy = false)
{
    p.setPen(heavy ? QPen(QColor(90, 40, 0), 2.5) : QPen(QColor(70, 80, 95), 1.0));
    p.setBrush(fill);
    p.drawRect(QRectF(x, y, 22, 14));
    p.setPen(Qt::black);
    const QRectF textRect(x + 28, y - 2, 400, 18);
    QRectF used;
    p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter, text, &used);
    return x + 28 + used.width() + 16;
}

} // namespace

void paintLegend(QPainter& p, const QRectF& rect, const LegendInfo& info)
{
    p.save();
    QFont font = p.font();
    font.setPixelSize(11);
    p.setFont(font);
    const double y = rect.y() + 4;
    double x = rect.x() + 6;
    const QString kind = info.approximateKind.isEmpty() ? QObject::tr("approximate") : info.approximateKind;
    if (!info.errorMode) {
        x = swatch(p, x, y, CircuitPalette::exactAdder(), QObject::tr("exact adder (fa, ha)"));
        x = swatch(p, x, y, CircuitPalette::approximate(), QObject::tr("approximate (%1)").arg(kind), true);
        swatch(p, x, y, CircuitPalette::sumOnly(), QObject::tr("sum-only (xor2, xor3)"));
    } else {
        QLinearGradient gradient(x, 0, x + 160, 0);
        for (double t : {0.0, 0.25, 0.5, 0.75, 1.0})
            gradient.setColorAt(t, CircuitPalette::errorScale(t));
        p.setPen(QPen(QColor(70, 80, 95), 1.0));
        p.setBrush(gradient);
        p.drawRect(QRectF(x, y, 160, 14));
        p.setPen(Qt::black);
        p.drawText(QRectF(x + 166, y - 2, 520, 18), Qt::AlignLeft | Qt::AlignVCenter,
                   QObject::tr("E|error| a cell adds as %1, log scale: %2 to %3 (heavy outline: approximate now)")
                       .arg(kind)
                       .arg(info.maxContribution * std::pow(10.0, -CircuitPalette::kDecades), 0, 'g', 2)
                       .arg(info.maxContribution, 0, 'g', 3));
    }
    p.setPen(QColor(90, 90, 90));
    p.drawText(QRectF(rect.x() + 6, y + 16, rect.width() - 12, 16), Qt::AlignLeft | Qt::AlignVCenter,
               QObject::tr("inputs at the top, count bits s0.. at the bottom; columns right to left "
                           "(bit weight), rows by level"));
    p.restore();
}

CircuitLegend::CircuitLegend(QWidget* parent) : QWidget(parent)
{
    setMinimumHeight(38);
}

void CircuitLegend::setInfo(const LegendInfo& info)
{
    info_ = info;
    update();
}

void CircuitLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    paintLegend(p, QRectF(rect()), info_);
}

} // namespace axbnn::gui
