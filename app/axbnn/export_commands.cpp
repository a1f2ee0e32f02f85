// axbnn plot / axbnn report: plots and the session report without the GUI.
// They need Qt Widgets (QCustomPlot is a widget), so the QApplication is
// made only when one of them runs, on the offscreen platform unless
// QT_QPA_PLATFORM says otherwise; the other commands never start Qt.
#include "commands.h"

#include "report/plot_export.h"
#include "report/report_actions.h"
#include "report/report_figures.h"
#include "report/report_writer.h"
#include "state/session.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <iostream>
#include <memory>

#include <unistd.h>

#include "plots/customplot.h"

namespace axbnn::cli {
namespace {

struct ExportArgs {
    std::string session;
    std::string plot;
    std::string out;
    int width = 800;
    int height = 600;
    double scale = 1.0;
    int limit = 0;
    int sweepImages = 1000;
    std::string data = "fashion-mnist";
    std::string calibration = "fashion-mnist:train";
};

std::unique_ptr<QApplication> startQt()
{
    if (QApplication::instance())
        return {};
    // Rendering to files needs no screen; offscreen also works without a display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt falls back to /tmp/runtime-$USER when XDG_RUNTIME_DIR is unset, with a
    // warning on every run; give it that private directory up front instead.
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QString dir = QDir::tempPath() + QStringLiteral("/runtime-axbnn-%1").arg(::getuid());
        if (QDir().mkpath(dir) && QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
    }
    static int argc = 1;
    static char name[] = "axbnn";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QApplication>(argc, argv);
}

axbnn::ReportData compute(const ExportArgs& a, bool modelParts, bool accuracyTable)
{
    const QString path = QString::fromStdString(a.session);
    axbnn::ReportRequest request = gui::reportRequestFromSession(gui::loadSession(path), path, a.limit, a.sweepImages);
    if (!modelParts)
        request.modelPath.clear();
    else if (request.modelPath.empty() && !accuracyTable)
        throw std::invalid_argument(a.session
                                    + ": the session has no model; plots 'accuracy' and "
                                      "'pareto' need one (plots 'error' and 'cost' do not)");
    request.accuracyTable = accuracyTable;
    request.data = a.data;
    request.calibration = a.calibration;
    return axbnn::computeReport(request);
}

void runPlot(const ExportArgs& a)
{
    const QString out = QString::fromStdString(a.out);
    gui::plotFormatOf(out); // fail before computing
    const auto app = startQt();
    const QString kind = QString::fromStdString(a.plot);
    const axbnn::ReportData data = compute(a, gui::figureNeedsModel(kind), false);
    QCustomPlot plot;
    plot.resize(a.width, a.height);
    gui::drawFigure(&plot, kind, data);
    gui::exportPlot(&plot, out, {a.width, a.height, a.scale});
    std::cout << "wrote " << a.out << " (" << a.plot << " plot, " << a.width << " x " << a.height << ")\n";
}

void runReport(const ExportArgs& a)
{
    const QString out = QString::fromStdString(a.out);
    const QString suffix = QFileInfo(out).suffix().toLower();
    if (suffix != u"html" && suffix != u"htm" && suffix != u"pdf")
        throw std::invalid_argument(a.out + ": unknown report format (use a .html or .pdf file name)");
    const auto app = startQt();
    const axbnn::ReportData data = compute(a, true, true);
    gui::writeReport(data, out);
    std::cout << "wrote " << a.out << "\n";
}

void addCommonOptions(CLI::App* cmd, ExportArgs& a)
{
    cmd->add_option("--session,-s", a.session, "Workbench session file (docs/session-format.md)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--sweep-images", a.sweepImages,
                    "Test images per point of the accuracy-against-level sweep (at most --limit)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_option("--data", a.data, "Test images, as for axbnn eval")->capture_default_str();
    cmd->add_option("--calibration", a.calibration, "Mitigation calibration images, as for axbnn eval")
        ->capture_default_str();
}

} // namespace

void addExportCommands(CLI::App& app)
{
    auto plot = std::make_shared<ExportArgs>();
    CLI::App* p = app.add_subcommand("plot", "Draw one of the workbench plots of a session to PNG, PDF or SVG");
    addCommonOptions(p, *plot);
    p->add_option("--plot", plot->plot, "error, cost, accuracy or pareto")
        ->required()
        ->check(CLI::IsMember({"error", "cost", "accuracy", "pareto"}));
    p->add_option("--out,-o", plot->out, "Output file: .png, .pdf or .svg")->required();
    p->add_option("--width", plot->width, "Width in px (PDF: points)")
        ->check(CLI::Range(16, 20000))
        ->capture_default_str();
    p->add_option("--height", plot->height, "Height in px (PDF: points)")
        ->check(CLI::Range(16, 20000))
        ->capture_default_str();
    p->add_option("--scale", plot->scale, "PNG only: image pixels per px (2: twice the resolution)")
        ->check(CLI::Range(0.25, 8.0))
        ->capture_default_str();
    p->add_option("--limit", plot->limit, "Test images for the accuracy sweep (0: --sweep-images)")
        ->check(CLI::Range(0, 100000));
    p->callback([plot] { runPlot(*plot); });

    auto report = std::make_shared<ExportArgs>();
    CLI::App* r = app.add_subcommand("report",
                                     "HTML or PDF report of a session: model, configuration, circuit metrics, errors, "
                                     "accuracy, plots and the commands that reproduce each number");
    addCommonOptions(r, *report);
    r->add_option("--out,-o", report->out, "Output file: .html or .pdf")->required();
    r->add_option("--limit", report->limit, "Test images for the accuracy table (0: all 10,000)")
        ->check(CLI::Range(0, 100000));
    r->callback([report] { runReport(*report); });
}

} // namespace axbnn::cli
