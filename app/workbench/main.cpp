// axbnn-workbench: the desktop GUI for exploring approximate popcount circuits.
#include "latency.h"
#include "main_window.h"
#include "screenshot.h"
#include "search_screenshot.h"
#include "startup_files.h"
#include "train_screenshot.h"

#include "panels/session_actions.h"
#include "state/exploration_state.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTabWidget>

#include <cstdio>
#include <stdexcept>

namespace {

struct DesignOption {
    QCommandLineOption option;
    void (*apply)(axbnn::CircuitSpec&, const QString&);
};

int toInt(const QString& text)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok)
        throw std::invalid_argument("'" + text.toStdString() + "' is not an integer");
    return value;
}

double toDouble(const QString& text)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok)
        throw std::invalid_argument("'" + text.toStdString() + "' is not a number");
    return value;
}

// The design the window opens on; the names match the axbnn command line.
const QList<DesignOption>& designOptions()
{
    using axbnn::CircuitSpec;
    static const QList<DesignOption> options{
        {{"inputs", "Number of popcount inputs N (default 576).", "n"},
         [](CircuitSpec& s, const QString& v) { s.inputs = toInt(v); }},
        {{"topology", "adder-tree, wallace, dadda or chain (default adder-tree).", "name"},
         [](CircuitSpec& s, const QString& v) { s.topology = axbnn::parseTopology(v.toStdString()); }},
        {{"cell", "Approximate cell replacing full adders: maj-fa or maj.", "name"},
         [](CircuitSpec& s, const QString& v) { s.approx.faCell = v.toStdString(); }},
        {{"approx-lsb", "Approximate the K least significant columns of every adder.", "k"},
         [](CircuitSpec& s, const QString& v) { s.approx.lsbColumns = toInt(v); }},
        {{"approx-levels", "Approximate the first L tree levels.", "l"},
         [](CircuitSpec& s, const QString& v) { s.approx.levels = toInt(v); }},
        {{"p", "Probability that an input bit is 1 (default 0.5).", "p"},
         [](CircuitSpec& s, const QString& v) { s.p = toDouble(v); }},
    };
    return options;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AxBNN"));
    QApplication::setApplicationName(QStringLiteral("axbnn-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("AxBNN Workbench"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Explore approximate popcount circuits for binary neural networks."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window once the first results are in, save it as a PNG to "
                       "<file> and quit (works with QT_QPA_PLATFORM=offscreen)."),
        QStringLiteral("file"));
    parser.addOption(screenshot);
    const QCommandLineOption trainScreenshot(
        QStringLiteral("train-screenshot"),
        QStringLiteral("Run a short training (MLP, 6000 Fashion-MNIST images, 3 epochs) in the Train model "
                       "dialog, save the dialog as a PNG to <file> and quit."),
        QStringLiteral("file"));
    parser.addOption(trainScreenshot);
    const QCommandLineOption searchScreenshot(
        QStringLiteral("search-screenshot"),
        QStringLiteral("Run a short per-layer search (budget 1 point, 40 evaluations) on the model in the "
                       "Search dock, load its chosen design, save the dock as a PNG to <file> and quit."),
        QStringLiteral("file"));
    parser.addOption(searchScreenshot);
    const QCommandLineOption comparison(
        QStringLiteral("comparison"),
        QStringLiteral("Also open <model> as the comparison model (e.g. approximation-aware "
                       "trained) in the accuracy plot."),
        QStringLiteral("model"));
    parser.addOption(comparison);
    const QCommandLineOption noDefault(
        QStringLiteral("no-default-model"),
        QStringLiteral("Start with the circuit only instead of opening the sample VGG3 model."));
    parser.addOption(noDefault);
    const QCommandLineOption latency(
        QStringLiteral("measure-latency"),
        QStringLiteral("Time level-slider changes at N = 576 and 4608 for every topology (summary, "
                       "error plot and circuit colours painted), print the figures and quit."));
    parser.addOption(latency);
    const QCommandLineOption verbose(
        QStringLiteral("verbose"),
        QStringLiteral("With --measure-latency: also print when each stage of a change was reached."));
    parser.addOption(verbose);
    const QCommandLineOption tab(QStringLiteral("tab"),
                                 QStringLiteral("Show plot tab <index> (0 = error distribution)."),
                                 QStringLiteral("index"));
    parser.addOption(tab);
    const QCommandLineOption library(
        QStringLiteral("library"),
        QStringLiteral("Cell library: sky130 (default), cmos45 or a cell library JSON (docs/cell-library.md)."),
        QStringLiteral("name|file"), QString::fromLatin1(axbnn::kBuiltInLibraries[0]));
    parser.addOption(library);
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("A model (.h5) to open, or a session (.json) to restore."),
                                 QStringLiteral("[file]"));
    for (const DesignOption& design : designOptions())
        parser.addOption(design.option);
    parser.process(app);

    axbnn::CircuitSpec design;
    axbnn::CellLibrary cells;
    try {
        for (const DesignOption& option : designOptions())
            if (parser.isSet(option.option))
                option.apply(design, parser.value(option.option));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "axbnn-workbench: %s\n", e.what());
        return 2;
    }
    try {
        cells = axbnn::CellLibrary::named(parser.value(library).toStdString());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "axbnn-workbench: --library: %s\n", e.what());
        return 2;
    }
    // Out-of-range values are reported by the engine, in the window.
    axbnn::gui::ExplorationState state(design, cells);

    MainWindow window(&state);
    if (parser.isSet(trainScreenshot)) {
        scheduleTrainScreenshot(&window, parser.value(trainScreenshot), 600'000);
        return QApplication::exec();
    }
    if (parser.isSet(latency)) {
        window.show();
        // With a model file: measured while its accuracy jobs run, as in use.
        if (const QStringList files = parser.positionalArguments(); !files.isEmpty()) {
            bool failed = false;
            QObject::connect(&state, &axbnn::gui::ExplorationState::modelLoadFailed, &state,
                             [&](const QString&, const QString& message) {
                                 std::fprintf(stderr, "axbnn-workbench: %s\n", qPrintable(message));
                                 failed = true;
                             });
            state.openModel(files.front());
            QElapsedTimer clock;
            clock.start();
            while (!state.model() && !failed && clock.elapsed() < 120'000)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            if (!state.model())
                return 1;
            std::printf("model: %s (accuracy jobs run while the slider moves)\n", qPrintable(files.front()));
        }
        return measureSliderLatency(&window, &state, {576, 4608}, 15, parser.isSet(verbose));
    }

    const QStringList files = parser.positionalArguments();
    if (files.size() > 1) {
        std::fprintf(stderr, "axbnn-workbench: give at most one model or session file\n");
        return 2;
    }
    const QString file = files.value(0);
    if (file.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive)) {
        window.sessions()->openFile(file); // shows its own error box
    } else if (!file.isEmpty()) {
        state.openModel(file);
    } else if (!parser.isSet(noDefault)) {
        const QString sample = findDefaultModel();
        if (!sample.isEmpty())
            state.openModel(sample);
    }
    if (parser.isSet(comparison))
        state.openModel(parser.value(comparison), axbnn::gui::ModelSlot::Comparison);

    if (parser.isSet(tab))
        if (auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("plotTabs")))
            tabs->setCurrentIndex(parser.value(tab).toInt());
    if (parser.isSet(searchScreenshot)) {
        scheduleSearchScreenshot(&window, &state, parser.value(searchScreenshot), 900'000);
    } else if (parser.isSet(screenshot)) {
        // A fixed size and no saved layout, so the picture is reproducible.
        scheduleScreenshot(&window, &state, parser.value(screenshot), 120'000);
    } else {
        window.restoreLayout();
    }
    window.show();
    state.refresh();
    return QApplication::exec();
}
