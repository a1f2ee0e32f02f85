// The session report as HTML (plots embedded as PNG data URIs) or PDF
// (QTextDocument printed through QPdfWriter), written atomically.
#pragma once

#include "explore/report_data.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace axbnn::gui {

// How every number of the report is printed: 6 significant digits.
QString reportNumber(double value);

// PNG images of the plots the data allows (error and cost always; accuracy
// and pareto with a model), keyed by figure kind. Needs a QApplication.
QMap<QString, QByteArray> renderReportFigures(const ReportData& data, int width = 800, int height = 480);

// The report as one self-contained HTML page. `images` are PNG bytes by
// figure kind; dataUris embeds them, else they are referred to as plot:KIND
// (QTextDocument resources, for the PDF).
QString reportHtml(const ReportData& data, const QMap<QString, QByteArray>& images, bool dataUris = true);

// Renders the figures and writes `path` (.html/.htm or .pdf) through a
// temporary file beside it. Throws std::invalid_argument for another suffix
// and std::runtime_error (path and reason) when it cannot write; an existing
// file is then left as it was.
void writeReport(const ReportData& data, const QString& path);

} // namespace axbnn::gui
