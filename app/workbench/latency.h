// `axbnn-workbench --measure-latency`: times a level-slider change from the
// slider's new value to the redrawn summary and error plot, offscreen.
#pragma once

#include <QList>

class QWidget;

namespace axbnn::gui {
class ExplorationState;
}

// Prints one line per N to stdout and returns 0, or 1 after printing why.
int measureSliderLatency(QWidget* window, axbnn::gui::ExplorationState* state,
                         const QList<int>& sizes, int repeats);
