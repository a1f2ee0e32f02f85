// File > "Export report…": computes the session report off the GUI thread
// (progress dialog, cancel), then writes HTML or PDF.
#pragma once

#include "explore/report_data.h"

#include <QObject>
#include <QString>

#include "state/session.h"

class QAction;
class QWidget;

namespace axbnn::gui {

class ExplorationState;

// What a report of `session` computes: its circuit, model and mitigation;
// accuracy on `limit` test images (0: all), the level sweep on at most
// `sweepImages`.
ReportRequest reportRequestFromSession(const Session& session, const QString& sessionPath, int limit = 0,
                                       int sweepImages = 1000);

class ReportActions : public QObject {
    Q_OBJECT

public:
    ReportActions(ExplorationState* state, QWidget* window);

    QAction* exportAction() const { return export_; }
    // Without the file dialog; returns at once, the report is written later
    // (finished/failed say when).
    void exportTo(const QString& path, int limit = 0);
    bool busy() const { return running_; }

Q_SIGNALS:
    void finished(const QString& path);
    void failed(const QString& message);

private:
    ExplorationState* state_;
    QWidget* window_;
    QAction* export_;
    bool running_ = false;
};

} // namespace axbnn::gui
