// Plot export: any QCustomPlot to PNG, PDF or SVG at a chosen size, written
// atomically, and the "Export plot…" context menu that offers it.
#pragma once

#include <QString>

class QCustomPlot;
class QWidget;

namespace axbnn::gui {

struct PlotExportOptions {
    int width = 800; // px (PDF and SVG: points/user units of the same number)
    int height = 600; // px
    double scale = 1.0; // PNG only: pixels per px, e.g. 2 for a 1600 x 1200 image of an 800 x 600 plot
};

// The format from the file suffix: "png", "pdf" or "svg"; throws
// std::invalid_argument naming the path and the supported suffixes.
QString plotFormatOf(const QString& path);

// Renders `plot` at the requested size into a temporary file beside `path`
// and renames it over `path` (QSaveFile), so an existing file is either kept
// or fully replaced. Throws std::invalid_argument for bad sizes or suffixes
// and std::runtime_error (with the path and the reason) when it cannot write.
void exportPlot(QCustomPlot* plot, const QString& path, const PlotExportOptions& options);

// Adds the context menu entry "Export plot…" (size dialog, then file dialog;
// errors in a message box) to `plot`.
void installPlotExportMenu(QCustomPlot* plot);

// Installs the menu on every QCustomPlot below `root`.
void installPlotExportMenus(QWidget* root);

} // namespace axbnn::gui
