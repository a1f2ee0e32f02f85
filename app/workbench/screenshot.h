// `axbnn-workbench --screenshot FILE.png`: renders the window once its first
// results are in, writes the PNG atomically and quits.
#pragma once

#include <QString>

class QWidget;

namespace axbnn::gui {
class ExplorationState;
}

// Returns at once. Later exits the application with 0 after writing `path`,
// or with 1 after printing why to stderr (engine error, write error, timeout).
void scheduleScreenshot(QWidget* window, axbnn::gui::ExplorationState* state, const QString& path, int timeoutMs);
