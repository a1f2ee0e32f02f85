// The thread pool of the workbench's background jobs (circuit reports,
// sweeps, layouts, model loading, accuracy, training).
#pragma once

#include <functional>

class QThreadPool;

namespace axbnn::gui {

// Not QThreadPool::globalInstance(): Qt's raster engine (Qt 6.4) splits some
// paints (scaled pixmaps, e.g. the Fusion style's group-box frames) into
// tasks on the global pool and waits for them on the GUI thread, so seconds
// of inference there froze the window for seconds. This pool has room for
// every runner's job at once, so that a fresh job never queues behind a long
// one; the system shares the cores. Owned by the application object.
QThreadPool* backgroundPool();

// The pool of the model's accuracy inference: its threads (and the engine
// threads they start, which inherit it) run at nice +10, so that a control
// change's circuit report and the GUI get the cores first while inference
// fills the rest. A pool of its own because an unprivileged thread cannot
// take a lowered priority back.
QThreadPool* inferencePool();
// Runs `job` on `pool`; on inferencePool() its thread's priority is lowered first.
void startInPool(QThreadPool* pool, std::function<void()> job);

} // namespace axbnn::gui
