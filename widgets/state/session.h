// Session files: a design (explore/design.h) as JSON (docs/session-format.md),
// written atomically with QSaveFile. Version 2 writes the design's spelling;
// version 1 files (camelCase "circuit" object) keep loading.
#pragma once

#include "explore/design.h"

#include <QString>

namespace axbnn::gui {

class ExplorationState;

// A session is the design on screen.
using Session = Design;

Session captureSession(const ExplorationState& state);

// Throws std::runtime_error with the path and the problem.
void saveSession(const Session& session, const QString& path);
Session loadSession(const QString& path);

// Applies the design in one step (ExplorationState::setDesign) and loads the
// session's models in the background; when the main model arrives, the
// design is applied again (its layer, N and hand-picked cells refer to it).
void applySession(ExplorationState& state, const Session& session);

} // namespace axbnn::gui
