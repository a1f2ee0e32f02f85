// File menu actions for imported netlists (issue 7): "Open netlist…"
// (Verilog .v or Yosys .json) and "Back to built circuit", with a
// non-modal error box naming the file and the line when an import fails.
#pragma once

#include <QObject>
#include <QString>

class QAction;
class QWidget;

namespace axbnn::gui {

class ExplorationState;

class NetlistActions : public QObject {
    Q_OBJECT

public:
    NetlistActions(ExplorationState* state, QWidget* window);

    QAction* openAction() const { return open_; }
    QAction* closeAction() const { return close_; }
    // Without a dialog: starts the import (the result arrives later).
    void openFile(const QString& path);

Q_SIGNALS:
    void failed(const QString& path, const QString& message);

private:
    void showError(const QString& path, const QString& message);

    ExplorationState* state_;
    QWidget* window_;
    QAction* open_;
    QAction* close_;
};

} // namespace axbnn::gui
