// CSV writing for item models; see table_export.h for the format.
#include "report/table_export.h"

#include <QAbstractItemModel>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QTableView>

#include <stdexcept>

namespace axbnn::gui {

namespace {

QString field(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString valueText(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Double:
    case QMetaType::Float: return QString::number(value.toDouble(), 'g', 17);
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong: return QString::number(value.toLongLong());
    default: return value.toString();
    }
}

} // namespace

QString tableToCsv(const QAbstractItemModel& model)
{
    const int columns = model.columnCount();
    QString csv;
    for (int c = 0; c < columns; ++c) {
        if (c)
            csv += QLatin1Char(',');
        csv += field(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString().simplified());
    }
    csv += QLatin1Char('\n');
    for (int r = 0; r < model.rowCount(); ++r) {
        for (int c = 0; c < columns; ++c) {
            if (c)
                csv += QLatin1Char(',');
            const QModelIndex index = model.index(r, c);
            const QVariant raw = model.data(index, Qt::UserRole);
            QString text = valueText(raw.isValid() ? raw : model.data(index, Qt::DisplayRole));
            if (text == u"–" || text == u"…") // "not applicable" / "not yet known": a missing value
                text.clear();
            csv += field(text);
        }
        csv += QLatin1Char('\n');
    }
    return csv;
}

void exportTableCsv(const QAbstractItemModel& model, const QString& path)
{
    const QByteArray bytes = tableToCsv(model).toUtf8();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
}

void installTableExportMenu(QTableView* view)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view](const QPoint& at) {
        QMenu menu(view);
        menu.addAction(QObject::tr("Export CSV…"), view, [view] {
            if (!view->model())
                return;
            const QString path = QFileDialog::getSaveFileName(
                view, QObject::tr("Export table"), QStringLiteral("table.csv"), QObject::tr("CSV table (*.csv)"));
            if (path.isEmpty())
                return;
            try {
                exportTableCsv(*view->model(), path);
            } catch (const std::exception& e) {
                QMessageBox::critical(view, QObject::tr("Export table"), QString::fromUtf8(e.what()));
            }
        });
        menu.exec(view->viewport()->mapToGlobal(at));
    });
}

void installTableExportMenus(QWidget* root)
{
    for (QTableView* view : root->findChildren<QTableView*>())
        installTableExportMenu(view);
}

} // namespace axbnn::gui
