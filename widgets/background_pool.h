// The thread pool of the workbench's background jobs (circuit reports,
// sweeps, layouts, model loading, accuracy, training).
#pragma once

class QThreadPool;

namespace axbnn::gui {

// Not QThreadPool::globalInstance(): Qt's raster engine (Qt 6.4) splits some
// paints (scaled pixmaps, e.g. the Fusion style's group-box frames) into
// tasks on the global pool and waits for them on the GUI thread, so seconds
// of inference there froze the window for seconds. This pool has room for
// every runner's job at once, so that a fresh job never queues behind a long
// one; the system shares the cores. Owned by the application object.
QThreadPool* backgroundPool();

} // namespace axbnn::gui
