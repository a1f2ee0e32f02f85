// The workbench window: builds the docks and plots around one exploration
// state and wires them to it. Holds no logic and no results.
#pragma once

#include <QMainWindow>

class QDockWidget;

namespace axbnn::gui {
class ExplorationState;
}

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(axbnn::gui::ExplorationState* state, QWidget* parent = nullptr);

    // Window geometry and dock layout from the last session (QSettings).
    void restoreLayout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addDock(QWidget* panel, const QString& title, const QString& objectName,
                         Qt::DockWidgetArea area);
};
