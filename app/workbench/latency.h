// `axbnn-workbench --measure-latency`: times level-slider changes, for every
// topology, from the slider's new value to the painted summary, error plot and
// circuit colours, offscreen.
#pragma once

#include <QList>

class QWidget;

namespace axbnn::gui {
class ExplorationState;
}

// Prints one line per topology and N to stdout and returns 0, or 1 after printing why.
// `verbose` adds, under each line, when each traced stage of a change (background
// jobs, panel handlers, paint) was reached, median and max over the changes.
int measureSliderLatency(QWidget* window, axbnn::gui::ExplorationState* state, const QList<int>& sizes, int repeats,
                         bool verbose = false);
