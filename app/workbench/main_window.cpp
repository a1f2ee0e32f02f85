// Docks, tabs and menus of the workbench window, and their saved layout.
#include "main_window.h"

#include "circuit_view.h"
#include "controls_panel.h"
#include "cost_plot_panel.h"
#include "error_plot_panel.h"
#include "exploration_state.h"
#include "summary_panel.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QMenuBar>
#include <QScrollArea>
#include <QSettings>
#include <QTabWidget>

using namespace axbnn::gui;

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
} // namespace

MainWindow::MainWindow(ExplorationState* state, QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("AxBNN Workbench"));

    auto* plots = new QTabWidget;
    plots->setObjectName(QStringLiteral("plotTabs"));
    plots->addTab(new ErrorPlotPanel(state), tr("Error distribution"));
    plots->addTab(new CostPlotPanel(state), tr("Cost against N"));
    setCentralWidget(plots);

    auto* circuitView = new CircuitView;
    circuitView->setCellLibrary(state->library());
    connect(state, &ExplorationState::reportReady, circuitView, &CircuitView::setReport);
    connect(circuitView, &CircuitView::cellToggled, state, &ExplorationState::toggleCell);
    auto* circuitDock = new QDockWidget(tr("Circuit view"), this);
    circuitDock->setObjectName(QStringLiteral("circuitViewDock"));
    circuitDock->setWidget(circuitView);
    addDockWidget(Qt::BottomDockWidgetArea, circuitDock);

    QDockWidget* controls = addDock(new ControlsPanel(state), tr("Circuit"),
                                    QStringLiteral("controlsDock"), Qt::LeftDockWidgetArea);
    QDockWidget* summary = addDock(new SummaryPanel(state), tr("Summary"),
                                   QStringLiteral("summaryDock"), Qt::RightDockWidgetArea);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setShortcutContext(Qt::ApplicationShortcut);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(controls->toggleViewAction());
    view->addAction(summary->toggleViewAction());
    view->addAction(circuitDock->toggleViewAction());

    resize(1280, 800);
    resizeDocks({controls, summary}, {300, 340}, Qt::Horizontal);
}

QDockWidget* MainWindow::addDock(QWidget* panel, const QString& title, const QString& objectName,
                                 Qt::DockWidgetArea area)
{
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() needs it
    dock->setWidget(scroll);
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
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    QMainWindow::closeEvent(event);
}
