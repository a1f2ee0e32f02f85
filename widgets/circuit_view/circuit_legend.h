// Colours of the circuit view and the legend that explains them, painted the
// same way on screen and into exported SVG/PDF files.
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

class QPainter;

namespace axbnn::gui {

struct CircuitPalette {
    static QColor exactAdder() { return QColor(0xa8, 0xc8, 0xec); }
    static QColor approximate() { return QColor(0xf2, 0x8e, 0x2b); }
    static QColor sumOnly() { return QColor(0xdd, 0xe2, 0xe8); }
    static QColor unknown() { return QColor(0xee, 0xee, 0xee); }
    // White (no error) through yellow to red (the largest contribution), t in [0, 1].
    static QColor errorScale(double t);
    // Position of value on a log scale spanning kDecades decades below max:
    // contributions grow with 2^column, so a linear scale leaves most cells white.
    static constexpr double kDecades = 3.0;
    static double logShare(double value, double max);
};

struct LegendInfo {
    bool errorMode = false;
    double maxContribution = 0.0; // largest E|error| of a cell, count units
    QString approximateKind; // e.g. "maj-fa"
};

// Paints the legend into `rect` (about 36 units high).
void paintLegend(QPainter& painter, const QRectF& rect, const LegendInfo& info);

class CircuitLegend : public QWidget {
    Q_OBJECT

public:
    explicit CircuitLegend(QWidget* parent = nullptr);
    void setInfo(const LegendInfo& info);
    const LegendInfo& info() const { return info_; }
    QSize sizeHint() const override { return {420, 38}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    LegendInfo info_;
};

} // namespace axbnn::gui
