// The report's plots drawn from a ReportData into a QCustomPlot: the same
// four views as the workbench tabs (error distribution, cost against N,
// accuracy against level, area against accuracy with the Pareto front).
#pragma once

#include "explore/report_data.h"

#include <QString>
#include <QStringList>

class QCustomPlot;

namespace axbnn::gui {

// "error", "cost", "accuracy", "pareto".
QStringList figureKinds();
// Whether the kind needs the model's accuracy sweep.
bool figureNeedsModel(const QString& kind);

// Draws `kind` from `data` into a freshly made `plot` (it adds a title row). Throws std::invalid_argument
// for an unknown kind or when the data lacks what the kind needs (no model).
void drawFigure(QCustomPlot* plot, const QString& kind, const ReportData& data);

} // namespace axbnn::gui
