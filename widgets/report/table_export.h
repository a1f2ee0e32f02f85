// Table export: any item model as CSV that pandas.read_csv reads as is, and
// the "Export CSV…" context menu for table views.
#pragma once

#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace axbnn::gui {

// RFC 4180 CSV: one header row (the horizontal header titles), then one row
// per model row. A cell is the model's Qt::UserRole value when it has one
// (raw numbers, as the layer table gives them), else its display text;
// numbers are written in full precision without units or thousands
// separators; a field with a comma, quote or line break is quoted; an
// invalid value and the placeholders "–" and "…" are empty fields.
QString tableToCsv(const QAbstractItemModel& model);

// Writes tableToCsv atomically (QSaveFile); throws std::runtime_error with
// the path and the reason.
void exportTableCsv(const QAbstractItemModel& model, const QString& path);

// Adds "Export CSV…" to the view's context menu (file dialog; errors in a
// message box).
void installTableExportMenu(QTableView* view);

// Installs the menu on every QTableView below `root`.
void installTableExportMenus(QWidget* root);

} // namespace axbnn::gui
