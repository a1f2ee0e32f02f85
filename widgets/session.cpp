// Session JSON: capture from the state, (de)serialise, apply to the state.
#include "session.h"

#include "exploration_state.h"

#include "bnn/mitigation.h"
#include "circuit/design_limits.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QSaveFile>

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace axbnn::gui {

namespace {

[[noreturn]] void fail(const QString& what)
{
    throw std::runtime_error(what.toStdString());
}

QJsonArray toArray(const std::vector<int>& cells)
{
    QJsonArray array;
    for (const int c : cells)
        array.append(c);
    return array;
}

const QJsonValue& require(const QJsonValue& value, const QString& key)
{
    if (value.isUndefined())
        fail(QStringLiteral("missing key '%1'").arg(key));
    return value;
}

int toInt(const QJsonValue& value, const QString& key, int minimum, int maximum = std::numeric_limits<int>::max())
{
    require(value, key);
    const double d = value.toDouble(-1e300);
    // Range first: converting a double out of int's range is undefined.
    if (!value.isDouble() || !(d >= minimum && d <= maximum) || d != std::floor(d))
        fail(maximum == std::numeric_limits<int>::max()
                 ? QStringLiteral("'%1' must be an integer >= %2").arg(key).arg(minimum)
                 : QStringLiteral("'%1' must be an integer in %2..%3").arg(key).arg(minimum).arg(maximum));
    return static_cast<int>(d);
}

std::vector<int> toCells(const QJsonValue& value, const QString& key)
{
    if (value.isUndefined())
        return {};
    if (!value.isArray())
        fail(QStringLiteral("'%1' must be an array of cell indices").arg(key));
    std::vector<int> cells;
    for (const QJsonValue& v : value.toArray())
        cells.push_back(toInt(v, key, 0));
    return cells;
}

QString toString(const QJsonValue& value, const QString& key)
{
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString())
        fail(QStringLiteral("'%1' must be a string").arg(key));
    return value.toString();
}

// Circuit settings that a model load (which selects a layer) may overwrite.
void applyCircuit(ExplorationState& state, const Session& s)
{
    if (s.selectedLayer >= 0)
        state.selectLayer(s.selectedLayer);
    state.setInputs(s.inputs);
    state.setTopology(s.topology);
    state.setFaCell(QString::fromStdString(s.approx.faCell));
    state.setLsbColumns(s.approx.lsbColumns);
    state.setLevels(s.approx.levels);
    state.setP(s.p);
    state.setInputStatistic(s.measuredP ? InputStatistic::Measured : InputStatistic::Fixed);
    state.setCellOverrides(s.approx.extraCells, s.approx.exactCells);
    state.setMitigation(s.mitigation);
    if (s.netlistPath.isEmpty())
        state.closeNetlist();
    else if (state.importedPath() != s.netlistPath)
        state.openNetlist(s.netlistPath); // in the background; a failure leaves the built circuit
}

} // namespace

Session captureSession(const ExplorationState& state)
{
    Session s;
    const CircuitSpec& spec = state.spec();
    s.inputs = spec.inputs;
    s.topology = spec.topology;
    s.approx = spec.approx;
    s.p = state.fixedP();
    s.measuredP = state.inputStatistic() == InputStatistic::Measured;
    s.mitigation = state.mitigation();
    if (state.model())
        s.modelPath = QString::fromStdString(state.model()->path);
    if (state.comparisonModel())
        s.comparisonPath = QString::fromStdString(state.comparisonModel()->path);
    s.selectedLayer = state.selectedLayer();
    s.netlistPath = state.importedPath();
    return s;
}

QJsonObject sessionToJson(const Session& s)
{
    QJsonObject circuit{
        {"inputs", s.inputs},
        {"topology", QString::fromStdString(topologyName(s.topology))},
        {"faCell", QString::fromStdString(s.approx.faCell)},
        {"haCell", QString::fromStdString(s.approx.haCell)},
        {"lsbColumns", s.approx.lsbColumns},
        {"levels", s.approx.levels},
        {"extraCells", toArray(s.approx.extraCells)},
        {"exactCells", toArray(s.approx.exactCells)},
        {"p", s.p},
        {"inputStatistic", s.measuredP ? "measured" : "fixed"},
    };
    return QJsonObject{
        {"format", kSessionFormat},
        {"version", kSessionVersion},
        {"circuit", circuit},
        {"mitigation", s.mitigation},
        {"model", s.modelPath.isEmpty() ? QJsonValue() : QJsonValue(s.modelPath)},
        {"comparisonModel", s.comparisonPath.isEmpty() ? QJsonValue() : QJsonValue(s.comparisonPath)},
        {"selectedLayer", s.selectedLayer},
        {"netlist", s.netlistPath.isEmpty() ? QJsonValue() : QJsonValue(s.netlistPath)},
    };
}

Session sessionFromJson(const QJsonObject& json)
{
    if (json.value("format").toString() != QLatin1String(kSessionFormat))
        fail(QStringLiteral("not a workbench session (format is not '%1')").arg(kSessionFormat));
    if (json.value("version").toInt(-1) != kSessionVersion)
        fail(QStringLiteral("unsupported session version (this workbench reads version %1)").arg(kSessionVersion));
    const QJsonValue circuitValue = json.value("circuit");
    if (!circuitValue.isObject())
        fail(QStringLiteral("missing object 'circuit'"));
    const QJsonObject c = circuitValue.toObject();

    Session s;
    s.inputs = toInt(c.value("inputs"), "circuit.inputs", 1, kMaxPopcountInputs);
    try {
        s.topology =
            parseTopology(toString(require(c.value("topology"), "circuit.topology"), "circuit.topology").toStdString());
    } catch (const std::invalid_argument& e) {
        fail(QStringLiteral("circuit.topology: %1").arg(QString::fromUtf8(e.what())));
    }
    s.approx.faCell = toString(require(c.value("faCell"), "circuit.faCell"), "circuit.faCell").toStdString();
    s.approx.haCell = toString(c.value("haCell"), "circuit.haCell").toStdString();
    s.approx.lsbColumns = toInt(c.value("lsbColumns"), "circuit.lsbColumns", 0, kMaxLsbColumns);
    s.approx.levels = toInt(c.value("levels"), "circuit.levels", 0, kMaxTreeLevels);
    s.approx.extraCells = toCells(c.value("extraCells"), "circuit.extraCells");
    s.approx.exactCells = toCells(c.value("exactCells"), "circuit.exactCells");
    const QJsonValue p = require(c.value("p"), "circuit.p");
    if (!p.isDouble() || p.toDouble() < 0.0 || p.toDouble() > 1.0)
        fail(QStringLiteral("'circuit.p' must be a number in [0, 1]"));
    s.p = p.toDouble();
    const QString statistic = toString(c.value("inputStatistic"), "circuit.inputStatistic");
    if (!statistic.isEmpty() && statistic != u"fixed" && statistic != u"measured")
        fail(QStringLiteral("'circuit.inputStatistic' must be \"fixed\" or \"measured\""));
    s.measuredP = statistic == u"measured";
    s.mitigation = toString(json.value("mitigation"), "mitigation");
    if (s.mitigation.isEmpty())
        s.mitigation = QString::fromUtf8(mitigationName(Mitigation::None));
    try {
        parseMitigation(s.mitigation.toStdString());
    } catch (const std::invalid_argument& e) {
        fail(QStringLiteral("'mitigation': ") + QString::fromStdString(e.what()));
    }
    s.modelPath = toString(json.value("model"), "model");
    s.comparisonPath = toString(json.value("comparisonModel"), "comparisonModel");
    s.selectedLayer = json.contains("selectedLayer") ? toInt(json.value("selectedLayer"), "selectedLayer", -1) : -1;
    s.netlistPath = toString(json.value("netlist"), "netlist"); // optional; older sessions lack it
    return s;
}

void saveSession(const Session& session, const QString& path)
{
    const QByteArray text = QJsonDocument(sessionToJson(session)).toJson(QJsonDocument::Indented);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

Session loadSession(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        fail(QStringLiteral("%1: not JSON (%2 at byte %3)").arg(path, error.errorString()).arg(error.offset));
    if (!doc.isObject())
        fail(QStringLiteral("%1: a session is a JSON object").arg(path));
    try {
        return sessionFromJson(doc.object());
    } catch (const std::runtime_error& e) {
        fail(QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what())));
    }
}

void applySession(ExplorationState& state, const Session& session)
{
    applyCircuit(state, session);
    const QString current = state.model() ? QString::fromStdString(state.model()->path) : QString();
    if (!session.modelPath.isEmpty() && session.modelPath != current) {
        // One-shot: re-apply the circuit once this model has arrived.
        auto connection = std::make_shared<QMetaObject::Connection>();
        QPointer<ExplorationState> guard(&state);
        *connection = QObject::connect(
            &state, &ExplorationState::modelChanged, &state, [guard, session, connection](ModelSlot slot) {
                if (slot != ModelSlot::Main || !guard)
                    return;
                QObject::disconnect(*connection);
                if (guard->model() && QString::fromStdString(guard->model()->path) == session.modelPath)
                    applyCircuit(*guard, session);
            });
        QObject::connect(
            &state, &ExplorationState::modelLoadFailed, &state, [connection] { QObject::disconnect(*connection); },
            Qt::SingleShotConnection);
        state.openModel(session.modelPath, ModelSlot::Main);
    }
    if (!session.comparisonPath.isEmpty())
        state.openModel(session.comparisonPath, ModelSlot::Comparison);
}

} // namespace axbnn::gui
