// Hover read-out for QCustomPlot plots: a tooltip with the data point nearest
// the mouse (any graph or bar chart of the plot), in the plot's units.
#pragma once

#include <QString>

#include <functional>

class QCPAbstractPlottable;
class QCustomPlot;

namespace axbnn::gui {

// Formats one point: the plottable it belongs to, its key and value.
using HoverFormatter = std::function<QString(const QCPAbstractPlottable*, double key, double value)>;

// Shows the nearest point within a few pixels of the mouse as a tooltip and
// marks it with a tracer (the plot's own tooltip shows elsewhere).
// Hides the marker of the last hovered point (its data changed).
void hideHoverMarker(QCustomPlot* plot);

void installHoverReadout(QCustomPlot* plot, HoverFormatter format);

// The text installHoverReadout would show for the mouse at (x, y) in widget
// pixels, or an empty string (for tests).
QString hoverText(QCustomPlot* plot, double x, double y);

} // namespace axbnn::gui
