// `axbnn-workbench --screenshot FILE.png`: renders the window once its first
// results are in, writes the PNG atomically and quits.
#pragma once

#include <QString>

class QWidget;

namespace axbnn::gui {
class ExplorationState;
}

// Grabs `widget` and writes it as a PNG through a temporary file beside
// `path`; false with *error set when it cannot (every screenshot mode).
bool writeWidgetPng(QWidget* widget, const QString& path, QString* error);

// Prints "axbnn-workbench: <what> failed: <message>" and exits the
// application with 1 (every screenshot mode's failure).
void exitScreenshotFailed(const char* what, const QString& message);

// Returns at once. Later exits the application with 0 after writing `path`,
// or with 1 after printing why to stderr (engine error, write error, timeout).
void scheduleScreenshot(QWidget* window, axbnn::gui::ExplorationState* state, const QString& path, int timeoutMs);
