// Session files: the whole exploration state as JSON (docs/session-format.md),
// written atomically with QSaveFile.
#pragma once

#include "circuit/approximation.h"
#include "circuit/netlist.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace axbnn::gui {

class ExplorationState;

struct Session {
    int inputs = 576;
    Topology topology = Topology::AdderTree;
    ApproxConfig approx;
    double p = 0.5; // the fixed p (also kept when p is measured)
    bool measuredP = false; // take p from the model's data
    QString mitigation = QStringLiteral("none");
    QString modelPath; // empty: no model
    QString comparisonPath; // empty: none
    int selectedLayer = -1;
    QString netlistPath; // imported netlist being explored; empty: the built circuit

    bool operator==(const Session& o) const
    {
        const ApproxConfig& a = approx;
        const ApproxConfig& b = o.approx;
        return inputs == o.inputs && topology == o.topology && a.lsbColumns == b.lsbColumns && a.levels == b.levels
            && a.extraCells == b.extraCells && a.exactCells == b.exactCells && a.faCell == b.faCell
            && a.haCell == b.haCell && p == o.p && measuredP == o.measuredP && mitigation == o.mitigation
            && modelPath == o.modelPath && comparisonPath == o.comparisonPath && selectedLayer == o.selectedLayer
            && netlistPath == o.netlistPath;
    }
};

inline constexpr const char* kSessionFormat = "axbnn-session";
inline constexpr int kSessionVersion = 1;

Session captureSession(const ExplorationState& state);
QJsonObject sessionToJson(const Session& session);
// Throws std::runtime_error naming the offending key.
Session sessionFromJson(const QJsonObject& json);

// Throws std::runtime_error with the path and the problem.
void saveSession(const Session& session, const QString& path);
Session loadSession(const QString& path);

// Applies the circuit settings at once and loads the session's models in the
// background; when the main model arrives, the layer, N and per-cell
// overrides are applied again (selecting a layer sets N).
void applySession(ExplorationState& state, const Session& session);

} // namespace axbnn::gui
