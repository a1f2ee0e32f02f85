// The workbench window: builds the docks and plots around one exploration
// state and wires them to it. Holds no logic and no results.
#pragma once

#include <QMainWindow>

class QDockWidget;

namespace axbnn::gui {
class ExplorationState;
class ModelPanel;
class ReportActions;
class SessionActions;
class TrainDialog;
class SweepDialog;
class NetlistActions;
class YosysPanel;
class SearchPanel;
} // namespace axbnn::gui

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(axbnn::gui::ExplorationState* state, QWidget* parent = nullptr);

    // Window geometry and dock layout from the last session (QSettings).
    void restoreLayout();
    // The "Circuit" dock's content (the circuit view); replaces the placeholder.
    void setCircuitView(QWidget* view);
    axbnn::gui::SessionActions* sessions() const { return sessions_; }
    // File > Train model…: the training dialog (created on first use).
    void showTrainDialog();
    axbnn::gui::ReportActions* reports() const { return reports_; }
    axbnn::gui::NetlistActions* netlists() const { return netlists_; }
    axbnn::gui::SearchPanel* search() const { return search_; }
    QDockWidget* searchDock() const { return searchDock_; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QDockWidget* addDock(QWidget* panel, const QString& title, const QString& objectName, Qt::DockWidgetArea area,
                         bool scroll = true);
    void buildMenus(axbnn::gui::ModelPanel* model, const QList<QDockWidget*>& docks);

    axbnn::gui::ExplorationState* state_;
    axbnn::gui::SessionActions* sessions_ = nullptr;
    axbnn::gui::TrainDialog* train_ = nullptr;
    axbnn::gui::ReportActions* reports_ = nullptr;
    QDockWidget* circuit_ = nullptr;
    axbnn::gui::SweepDialog* sweep_ = nullptr;
    axbnn::gui::NetlistActions* netlists_ = nullptr;
    axbnn::gui::YosysPanel* yosys_ = nullptr;
    axbnn::gui::SearchPanel* search_ = nullptr;
    QDockWidget* searchDock_ = nullptr;
};
