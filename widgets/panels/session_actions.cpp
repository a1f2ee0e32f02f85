// Session file dialogs and the error boxes around saveSession / loadSession.
#include "panels/session_actions.h"

#include "state/exploration_state.h"
#include "state/session.h"

#include <QAction>
#include <QFileDialog>
#include <QMessageBox>
#include <QWidget>

namespace axbnn::gui {

namespace {
const QString kFilter = QStringLiteral("Workbench sessions (*.json);;All files (*)");
}

SessionActions::SessionActions(ExplorationState* state, QWidget* window)
    : QObject(window), state_(state), window_(window)
{
    open_ = new QAction(tr("Open &session…"), this);
    open_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    open_->setToolTip(tr("Reopen a saved exploration state (circuit, knobs, models, mitigation)"));
    save_ = new QAction(tr("&Save session"), this);
    save_->setShortcut(QKeySequence::Save);
    save_->setToolTip(tr("Save the whole exploration state as a JSON session file"));
    saveAs_ = new QAction(tr("Save session &as…"), this);
    saveAs_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    saveAs_->setToolTip(tr("Save the exploration state under a new name"));

    connect(open_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(window_, tr("Open session"), path_, kFilter);
        if (!path.isEmpty())
            openFile(path);
    });
    connect(saveAs_, &QAction::triggered, this, [this] {
        QString path = QFileDialog::getSaveFileName(window_, tr("Save session"), path_, kFilter);
        if (path.isEmpty())
            return;
        if (!path.endsWith(QStringLiteral(".json"), Qt::CaseInsensitive))
            path += QStringLiteral(".json");
        saveFile(path);
    });
    connect(save_, &QAction::triggered, this, [this] {
        if (path_.isEmpty())
            saveAs_->trigger();
        else
            saveFile(path_);
    });
}

bool SessionActions::openFile(const QString& path)
{
    try {
        applySession(*state_, loadSession(path));
    } catch (const std::exception& e) {
        showError(tr("Cannot open session"), QString::fromUtf8(e.what()));
        return false;
    }
    path_ = path;
    return true;
}

bool SessionActions::saveFile(const QString& path)
{
    try {
        saveSession(captureSession(*state_), path);
    } catch (const std::exception& e) {
        showError(tr("Cannot save session"), QString::fromUtf8(e.what()));
        return false;
    }
    path_ = path;
    return true;
}

void SessionActions::showError(const QString& title, const QString& message)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, window_);
    box->setObjectName(QStringLiteral("sessionError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->show();
    Q_EMIT failed(message);
}

} // namespace axbnn::gui
