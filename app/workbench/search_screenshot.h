// `axbnn-workbench --search-screenshot FILE.png MODEL.h5`: a short real
// search (budget 1 point, 40 evaluations on 500 proxy images, verified on
// 2000 test images) in the Search dock, its chosen design loaded into the
// workbench, the dock grabbed and written atomically; the picture of
// docs/search.md.
#pragma once

#include <QString>

class MainWindow;

namespace axbnn::gui {
class ExplorationState;
}

// Returns at once; later exits the application with 0 after writing `path`
// (and printing the chosen design's numbers), or with 1 after printing why.
void scheduleSearchScreenshot(MainWindow* window, axbnn::gui::ExplorationState* state, const QString& path,
                              int timeoutMs);
