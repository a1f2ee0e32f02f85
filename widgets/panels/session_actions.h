// File menu actions for session files: open, save and save as, with dialogs
// and error boxes. The JSON itself is session.h's business.
#pragma once

#include <QObject>
#include <QString>

class QAction;
class QWidget;

namespace axbnn::gui {

class ExplorationState;

class SessionActions : public QObject {
    Q_OBJECT

public:
    SessionActions(ExplorationState* state, QWidget* window);

    QAction* openAction() const { return open_; }
    QAction* saveAction() const { return save_; }
    QAction* saveAsAction() const { return saveAs_; }

    // Without dialogs; return false after showing the error (non-modal box).
    bool openFile(const QString& path);
    bool saveFile(const QString& path);
    QString currentPath() const { return path_; }

Q_SIGNALS:
    void failed(const QString& message);

private:
    void showError(const QString& title, const QString& message);

    ExplorationState* state_;
    QWidget* window_;
    QString path_;
    QAction* open_;
    QAction* save_;
    QAction* saveAs_;
};

} // namespace axbnn::gui
