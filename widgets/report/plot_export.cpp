// PNG through QCustomPlot::toPixmap, PDF through QPdfWriter, SVG through
// QSvgGenerator; every format goes through a QSaveFile.
#include "report/plot_export.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QMenu>
#include <QMessageBox>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSpinBox>
#include <QSvgGenerator>

#include <stdexcept>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

constexpr int kMaxSide = 20000;

[[noreturn]] void cannotWrite(const QString& path, const QString& why)
{
    throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, why).toStdString());
}

void commit(QSaveFile& file, const QString& path)
{
    if (!file.commit())
        cannotWrite(path, file.errorString());
}

void writePng(QCustomPlot* plot, QSaveFile& file, const PlotExportOptions& o)
{
    const QPixmap pixmap = plot->toPixmap(o.width, o.height, o.scale);
    if (pixmap.isNull() || !pixmap.save(&file, "PNG"))
        cannotWrite(file.fileName(), QStringLiteral("could not encode the PNG image"));
}

void writePdf(QCustomPlot* plot, QSaveFile& file, const PlotExportOptions& o)
{
    QPdfWriter writer(&file);
    writer.setCreator(QStringLiteral("AxBNN Workbench"));
    writer.setResolution(72); // one px of the plot = one PDF point
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    writer.setPageSize(QPageSize(QSizeF(o.width, o.height), QPageSize::Point));
    QCPPainter painter(&writer);
    if (!painter.isActive())
        cannotWrite(file.fileName(), QStringLiteral("could not start the PDF writer"));
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot->toPainter(&painter, o.width, o.height);
    painter.end();
}

void writeSvg(QCustomPlot* plot, QSaveFile& file, const PlotExportOptions& o)
{
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(QSize(o.width, o.height));
    generator.setViewBox(QRect(0, 0, o.width, o.height));
    generator.setTitle(QStringLiteral("AxBNN Workbench plot"));
    QCPPainter painter(&generator);
    if (!painter.isActive())
        cannotWrite(file.fileName(), QStringLiteral("could not start the SVG generator"));
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    plot->toPainter(&painter, o.width, o.height);
    painter.end();
}

// Size (and PNG scale) dialog; false when cancelled.
bool askOptions(QWidget* parent, PlotExportOptions& o)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Export plot"));
    auto* form = new QFormLayout(&dialog);
    auto* width = new QSpinBox;
    width->setRange(16, kMaxSide);
    width->setValue(o.width);
    width->setSuffix(QStringLiteral(" px"));
    auto* height = new QSpinBox;
    height->setRange(16, kMaxSide);
    height->setValue(o.height);
    height->setSuffix(QStringLiteral(" px"));
    auto* scale = new QDoubleSpinBox;
    scale->setRange(0.25, 8.0);
    scale->setSingleStep(0.5);
    scale->setValue(o.scale);
    scale->setToolTip(QObject::tr("PNG only: image pixels per plot px (2 = twice the resolution)"));
    form->addRow(QObject::tr("Width"), width);
    form->addRow(QObject::tr("Height"), height);
    form->addRow(QObject::tr("PNG scale"), scale);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    o = {width->value(), height->value(), scale->value()};
    return true;
}

void exportInteractively(QCustomPlot* plot)
{
    PlotExportOptions options{plot->width(), plot->height(), 1.0};
    if (!askOptions(plot, options))
        return;
    const QString path =
        QFileDialog::getSaveFileName(plot, QObject::tr("Export plot"), QStringLiteral("plot.png"),
                                     QObject::tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return;
    try {
        exportPlot(plot, path, options);
    } catch (const std::exception& e) {
        QMessageBox::critical(plot, QObject::tr("Export plot"), QString::fromUtf8(e.what()));
    }
}

} // namespace

QString plotFormatOf(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"png" || suffix == u"pdf" || suffix == u"svg")
        return suffix;
    throw std::invalid_argument(
        QStringLiteral("%1: unknown plot format (use a .png, .pdf or .svg file name)").arg(path).toStdString());
}

void exportPlot(QCustomPlot* plot, const QString& path, const PlotExportOptions& options)
{
    const QString format = plotFormatOf(path);
    if (options.width < 1 || options.height < 1 || options.width > kMaxSide || options.height > kMaxSide)
        throw std::invalid_argument(QStringLiteral("plot size must be 1..%1 px per side").arg(kMaxSide).toStdString());
    if (!(options.scale > 0.0) || options.scale > 8.0 || options.width * options.scale > kMaxSide
        || options.height * options.scale > kMaxSide)
        throw std::invalid_argument(
            QStringLiteral("PNG scale must be in (0, 8] and keep the image within %1 px").arg(kMaxSide).toStdString());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        cannotWrite(path, file.errorString());
    if (format == u"png")
        writePng(plot, file, options);
    else if (format == u"pdf")
        writePdf(plot, file, options);
    else
        writeSvg(plot, file, options);
    commit(file, path);
}

void installPlotExportMenu(QCustomPlot* plot)
{
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& at) {
        QMenu menu(plot);
        menu.addAction(QObject::tr("Export plot…"), plot, [plot] { exportInteractively(plot); });
        menu.exec(plot->mapToGlobal(at));
    });
}

void installPlotExportMenus(QWidget* root)
{
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>())
        installPlotExportMenu(plot);
}

} // namespace axbnn::gui
