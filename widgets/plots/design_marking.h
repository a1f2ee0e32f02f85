// Every plot says which design its data belong to (docs/architecture.md,
// "A number belongs to the design on screen"): data of another design are
// drawn grey under an "updating…" title, never mixed with current data.
// The plot's properties "designHash" (the data's) and "stale" let tests check it.
#pragma once

#include <QString>

#include <string>

class QCPTextElement;
class QCustomPlot;

namespace axbnn::gui {

// Sets the title (with " — updating…" when stale), greys every graph of a
// stale plot and restores their pens when current, and records the hash.
void markDesign(QCustomPlot* plot, QCPTextElement* title, const QString& text, const std::string& dataHash, bool stale);

} // namespace axbnn::gui
