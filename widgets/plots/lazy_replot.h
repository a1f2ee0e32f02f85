// Replotting only what can be seen: a QCustomPlot in a hidden tab or dock is
// rendered when it is next shown instead of on every data change, so that a
// control change pays for the visible plots only.
#pragma once

class QCustomPlot;

namespace axbnn::gui {

// Replots `plot` now if it is visible; otherwise marks it stale and replots it
// once when it is next shown. Its data is up to date either way.
void replotWhenVisible(QCustomPlot* plot);

// Whether `plot` has data changes not yet rendered (hidden since).
bool isReplotPending(const QCustomPlot* plot);

} // namespace axbnn::gui
