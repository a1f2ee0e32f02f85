// Reading, writing and applying session files.
#include "state/session.h"

#include "state/exploration_state.h"

#include <QFile>
#include <QPointer>
#include <QSaveFile>

#include <memory>
#include <stdexcept>

namespace axbnn::gui {

namespace {

[[noreturn]] void fail(const QString& what)
{
    throw std::runtime_error(what.toStdString());
}

} // namespace

Session captureSession(const ExplorationState& state)
{
    return state.design();
}

void saveSession(const Session& session, const QString& path)
{
    const QByteArray text = QByteArray::fromStdString(sessionJson(session).dump(2) + "\n");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

Session loadSession(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    constexpr qint64 kMaxSessionBytes = 64 << 20;
    if (file.size() > kMaxSessionBytes)
        fail(QStringLiteral("%1: a session is at most %2 MB").arg(path).arg(kMaxSessionBytes >> 20));
    const QByteArray bytes = file.readAll();
    const std::string_view text(bytes.constData(), static_cast<size_t>(bytes.size()));
    try {
        return sessionFromText(text, path.toStdString());
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
    }
}

void applySession(ExplorationState& state, const Session& session)
{
    state.setDesign(session);
    const std::string current = state.model() ? state.model()->path : std::string();
    if (!session.model.empty() && session.model != current) {
        // One-shot: apply the design again once this model has arrived.
        auto connection = std::make_shared<QMetaObject::Connection>();
        QPointer<ExplorationState> guard(&state);
        *connection = QObject::connect(&state, &ExplorationState::modelChanged, &state,
                                       [guard, session, connection](ModelSlot slot) {
                                           if (slot != ModelSlot::Main || !guard)
                                               return;
                                           QObject::disconnect(*connection);
                                           if (guard->model() && guard->model()->path == session.model)
                                               guard->setDesign(session);
                                       });
        QObject::connect(
            &state, &ExplorationState::modelLoadFailed, &state, [connection] { QObject::disconnect(*connection); },
            Qt::SingleShotConnection);
        state.openModel(QString::fromStdString(session.model), ModelSlot::Main);
    }
    if (!session.comparison.empty())
        state.openModel(QString::fromStdString(session.comparison), ModelSlot::Comparison);
}

} // namespace axbnn::gui
