// Docks, tabs and menus of the workbench window, and their saved layout.
#include "main_window.h"

#include "circuit_view/circuit_view.h"
#include "panels/accuracy_panel.h"
#include "panels/controls_panel.h"
#include "panels/model_panel.h"
#include "panels/netlist_actions.h"
#include "panels/session_actions.h"
#include "panels/summary_panel.h"
#include "panels/yosys_panel.h"
#include "plots/accuracy_plot_panel.h"
#include "plots/cost_plot_panel.h"
#include "plots/error_plot_panel.h"
#include "plots/pareto_plot_panel.h"
#include "report/plot_export.h"
#include "report/report_actions.h"
#include "report/table_export.h"
#include "search_dock/search_panel.h"
#include "state/exploration_state.h"
#include "sweep_dialog/sweep_dialog.h"
#include "train_dialog/train_dialog.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QTabWidget>

#include "plots/customplot.h"

using namespace axbnn::gui;

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
} // namespace

MainWindow::MainWindow(ExplorationState* state, QWidget* parent) : QMainWindow(parent), state_(state)
{
    setWindowTitle(tr("AxBNN Workbench"));

    auto* plots = new QTabWidget;
    plots->setObjectName(QStringLiteral("plotTabs"));
    plots->addTab(new ErrorPlotPanel(state), tr("Error distribution"));
    plots->addTab(new CostPlotPanel(state), tr("Cost against N"));
    plots->addTab(new AccuracyPlotPanel(state), tr("Accuracy against level"));
    plots->addTab(new ParetoPlotPanel(state), tr("Area against accuracy"));
    setCentralWidget(plots);

    auto* modelPanel = new ModelPanel(state);
    QDockWidget* model = addDock(modelPanel, tr("Model"), QStringLiteral("modelDock"), Qt::BottomDockWidgetArea, false);
    QDockWidget* controls =
        addDock(new ControlsPanel(state), tr("Controls"), QStringLiteral("controlsDock"), Qt::LeftDockWidgetArea);
    QDockWidget* summary =
        addDock(new SummaryPanel(state), tr("Summary"), QStringLiteral("summaryDock"), Qt::RightDockWidgetArea);
    QDockWidget* accuracy =
        addDock(new AccuracyPanel(state), tr("Accuracy"), QStringLiteral("accuracyDock"), Qt::RightDockWidgetArea);
    // The circuit view: the current netlist as a tree of cells; a click
    // toggles a cell between exact and approximate.
    auto* circuitView = new CircuitView;
    circuitView->setCellLibrary(state->library());
    connect(state, &ExplorationState::reportReady, circuitView, &CircuitView::setReport);
    connect(state, &ExplorationState::changed, circuitView,
            [state, circuitView] { circuitView->setStale(state->report() && !state->isCurrent(*state->report())); });
    connect(circuitView, &CircuitView::cellToggled, state, &ExplorationState::toggleCell);
    connect(circuitView, &CircuitView::columnCellChosen, state, &ExplorationState::setColumnCell);
    connect(circuitView, &CircuitView::levelCellChosen, state, &ExplorationState::setLevelCell);
    circuit_ =
        addDock(circuitView, tr("Circuit view"), QStringLiteral("circuitViewDock"), Qt::BottomDockWidgetArea, false);
    splitDockWidget(model, circuit_, Qt::Horizontal);

    yosys_ = new YosysPanel(state);
    QDockWidget* yosys =
        addDock(yosys_, tr("Yosys synthesis"), QStringLiteral("yosysDock"), Qt::RightDockWidgetArea, false);
    tabifyDockWidget(accuracy, yosys);
    search_ = new SearchPanel(state);
    searchDock_ = addDock(search_, tr("Search"), QStringLiteral("searchDock"), Qt::RightDockWidgetArea, false);
    tabifyDockWidget(accuracy, searchDock_);
    accuracy->raise();

    sessions_ = new SessionActions(state, this);
    reports_ = new ReportActions(state, this);
    netlists_ = new NetlistActions(state, this);
    buildMenus(modelPanel, {model, circuit_, controls, summary, accuracy, yosys, searchDock_});

    // Context menus "Export plot…" / "Export CSV…" (docs/exports.md).
    installPlotExportMenus(this);
    installTableExportMenus(this);

    resize(1400, 900);
    resizeDocks({controls, summary}, {300, 340}, Qt::Horizontal);
    resizeDocks({model}, {260}, Qt::Vertical);
}

void MainWindow::buildMenus(ModelPanel* model, const QList<QDockWidget*>& docks)
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model…"), model, &ModelPanel::openModelDialog);
    open->setShortcut(QKeySequence::Open);
    QAction* compare = file->addAction(tr("Open &comparison model…"), model, &ModelPanel::openComparisonDialog);
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    file->addMenu(model->recentMenu());
    QAction* train = file->addAction(tr("&Train model…"), this, &MainWindow::showTrainDialog);
    train->setObjectName(QStringLiteral("trainModelAction"));
    train->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    train->setToolTip(tr("Train a binarized MLP or VGG3 in the background, exactly or with the errors of "
                         "the current circuit, and load the result (Ctrl+T)"));
    train->setStatusTip(train->toolTip());
    file->setToolTipsVisible(true);
    file->addSeparator();
    file->addAction(netlists_->openAction());
    file->addAction(netlists_->closeAction());
    file->addSeparator();
    file->addAction(sessions_->openAction());
    file->addAction(sessions_->saveAction());
    file->addAction(sessions_->saveAsAction());
    file->addAction(reports_->exportAction());
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setShortcutContext(Qt::ApplicationShortcut);

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(yosys_->synthesizeAction());
    tools->addAction(tr("&Sweep…"), this, [this] {
        // One non-modal dialog; it keeps its results between openings.
        if (!sweep_) {
            sweep_ = new axbnn::gui::SweepDialog(state_, this);
            installTableExportMenus(sweep_); // its results table: Export CSV…
        }
        sweep_->show();
        sweep_->raise();
    });

    QAction* search = tools->addAction(tr("Searc&h per-layer design…"), this, [this] {
        searchDock_->show();
        searchDock_->raise();
    });
    search->setObjectName(QStringLiteral("searchAction"));
    search->setToolTip(tr("The cheapest per-layer popcount design within an accuracy budget (docs/search.md)"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* fit = view->addAction(tr("&Fit plots"), this, [this] {
        for (QCustomPlot* plot : findChildren<QCustomPlot*>()) {
            plot->rescaleAxes();
            plot->replot();
        }
    });
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    auto* tabs = qobject_cast<QTabWidget*>(centralWidget());
    for (int i = 0; i < tabs->count(); ++i) {
        QAction* tab = view->addAction(tabs->tabText(i), tabs, [tabs, i] { tabs->setCurrentIndex(i); });
        tab->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    view->addSeparator();
    for (QDockWidget* dock : docks)
        view->addAction(dock->toggleViewAction());
}

// One dialog for the window's lifetime: a run goes on while it is hidden.
void MainWindow::showTrainDialog()
{
    if (!train_)
        train_ = new TrainDialog(state_, this);
    train_->show();
    train_->raise();
    train_->activateWindow();
}

void MainWindow::setCircuitView(QWidget* view)
{
    QWidget* old = circuit_->widget();
    circuit_->setWidget(view);
    delete old;
}

QDockWidget* MainWindow::addDock(QWidget* panel, const QString& title, const QString& objectName,
                                 Qt::DockWidgetArea area, bool scroll)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() needs it
    if (scroll) {
        auto* scrollArea = new QScrollArea;
        scrollArea->setWidget(panel);
        scrollArea->setWidgetResizable(true);
        scrollArea->setFrameShape(QFrame::NoFrame);
        dock->setWidget(scrollArea);
    } else {
        dock->setWidget(panel);
    }
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::restoreLayout()
{
    const QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (train_ && train_->isRunning()
        && QMessageBox::question(this, tr("Training is running"),
                                 tr("A model is being trained. Quit and discard the training run?"))
            != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    QMainWindow::closeEvent(event);
}
