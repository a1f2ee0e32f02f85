// Session files: a saved session reopens to the same exploration state, and
// bad files give one clear message (offscreen).
#include "state/exploration_state.h"
#include "state/session.h"
#include "widget_test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace axbnn;
using namespace axbnn::gui;
using namespace axbnn::gui::test;

namespace {

constexpr int kTimeoutMs = 60'000;

QString message(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestSession : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void circuitSessionRoundTrips()
    {
        QTemporaryDir dir;
        ExplorationState state;
        state.setInputs(100);
        state.setTopology(Topology::Dadda);
        state.setFaCell(QStringLiteral("maj"));
        state.setLsbColumns(2);
        state.setLevels(1);
        state.setP(0.3);
        state.setMitigation(QStringLiteral("bias"));
        state.setCellApproximate(7, true);
        state.setCellApproximate(3, false);
        const Session saved = captureSession(state);
        const QString path = dir.filePath(QStringLiteral("s.json"));
        saveSession(saved, path);

        ExplorationState reopened;
        applySession(reopened, loadSession(path));
        QVERIFY(captureSession(reopened) == saved);
        QCOMPARE(reopened.spec().inputs, 100);
        QCOMPARE(reopened.spec().topology, Topology::Dadda);
        QCOMPARE(reopened.spec().approx.extraCells, std::vector<int>{7});
        QCOMPARE(reopened.spec().approx.exactCells, std::vector<int>{3});
        QCOMPARE(reopened.spec().p, 0.3);
        QCOMPARE(reopened.mitigation(), QStringLiteral("bias"));
        // Every mode's name round-trips (bias-tune included).
        for (const MitigationInfo& mode : mitigationModes()) {
            state.setMitigation(QString::fromUtf8(mode.name));
            saveSession(captureSession(state), path);
            ExplorationState again;
            applySession(again, loadSession(path));
            QCOMPARE(again.mitigation(), QString::fromUtf8(mode.name));
        }
    }

    void sessionWithModelRestoresLayerAndOverrides()
    {
        QTemporaryDir dir;
        const QString model = writeModel(dir.path(), QStringLiteral("m.h5"), smallModel());
        const QString comparison = writeModel(dir.path(), QStringLiteral("c.h5"), smallModel(6));
        const auto data = smallDataset(120);

        ExplorationState state;
        state.models()->setDatasets(data, data);
        QSignalSpy changed(&state, &ExplorationState::modelChanged);
        state.openModel(model);
        state.openModel(comparison, ModelSlot::Comparison);
        QVERIFY(QTest::qWaitFor([&] { return state.model() && state.comparisonModel(); }, kTimeoutMs));
        state.selectLayer(3);
        state.setLsbColumns(1);
        state.setCellApproximate(2, true);
        state.setInputStatistic(InputStatistic::Measured);
        const Session saved = captureSession(state);
        QCOMPARE(saved.selectedLayer, 3);
        QCOMPARE(saved.inputs, 128);
        const QString path = dir.filePath(QStringLiteral("s.json"));
        saveSession(saved, path);

        ExplorationState reopened;
        reopened.models()->setDatasets(data, data);
        applySession(reopened, loadSession(path));
        QVERIFY(QTest::qWaitFor(
            [&] { return reopened.model() && reopened.comparisonModel() && !reopened.isLoadingModel(); }, kTimeoutMs));
        QVERIFY(captureSession(reopened) == saved);
        QCOMPARE(reopened.spec().p, state.spec().p); // the same measured p
        QCOMPARE(reopened.overrideLayer(), 3);
    }

    void jsonRoundTripKeepsEveryField()
    {
        Session s;
        s.inputs = 4608;
        s.unit.topology = Topology::Wallace;
        s.unit.approx.faCell = "maj";
        s.unit.approx.haCell = "or-ha";
        s.unit.approx.lsbColumns = 3;
        s.unit.approx.levels = 2;
        s.unit.approx.extraCells = {1, 4};
        s.unit.approx.exactCells = {9};
        s.unit.unitWidth = 64;
        s.p = 0.125;
        s.pSource = PSource::Measured;
        s.mitigation = Mitigation::Tune;
        s.model = "/a/b.h5";
        s.comparison = "/a/c.h5";
        s.selectedLayer = 4;
        s.layers[2].approx.lsbColumns = 1;
        s.layers[5].circuit = false;
        s.data.limit = 2000;
        s.data.calibrationLimit = 300;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        saveSession(s, path);
        const Session back = loadSession(path);
        QVERIFY(back == s);
        QCOMPARE(designHash(back), designHash(s));
    }

    // Version 1 files (before designs) keep loading: every key they used,
    // under its old spelling, reaches the same design field.
    void versionOneSessionsLoadWithEveryOldSpelling()
    {
        const QByteArray text = R"({"format": "axbnn-session", "version": 1,
            "circuit": {"inputs": 4608, "topology": "wallace", "faCell": "maj", "haCell": "or-ha",
                        "lsbColumns": 3, "levels": 2, "extraCells": [1, 4], "exactCells": [9],
                        "p": 0.125, "inputStatistic": "measured"},
            "mitigation": "tune", "model": "/a/b.h5", "comparisonModel": "/a/c.h5",
            "selectedLayer": 4, "netlist": "/a/n.v"})";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        const Session s = loadSession(path);
        QCOMPARE(s.inputs, 4608);
        QCOMPARE(s.unit.topology, Topology::Wallace);
        QCOMPARE(s.unit.approx.faCell, std::string("maj"));
        QCOMPARE(s.unit.approx.haCell, std::string("or-ha"));
        QCOMPARE(s.unit.approx.lsbColumns, 3);
        QCOMPARE(s.unit.approx.levels, 2);
        QCOMPARE(s.unit.approx.extraCells, (std::vector<int>{1, 4}));
        QCOMPARE(s.unit.approx.exactCells, std::vector<int>{9});
        QCOMPARE(s.p, 0.125);
        QVERIFY(s.pSource == PSource::Measured);
        QVERIFY(s.mitigation == Mitigation::Tune);
        QCOMPARE(s.model, std::string("/a/b.h5"));
        QCOMPARE(s.comparison, std::string("/a/c.h5"));
        QCOMPARE(s.selectedLayer, 4);
        QCOMPARE(s.unit.netlist, std::string("/a/n.v"));
        // Saved again, it is a version 2 file of the same design.
        const QString again = dir.filePath(QStringLiteral("v2.json"));
        saveSession(s, again);
        QFile written(again);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.readAll().contains("\"version\": 2"));
        QVERIFY(loadSession(again) == s);
    }

    // The half-adder cell was saved but never applied before designs.
    void sessionRestoresTheHalfAdderCellInOneStep()
    {
        Session s;
        s.inputs = 49;
        s.unit.approx.haCell = "or-ha";
        s.unit.approx.lsbColumns = 2;
        ExplorationState state;
        int changes = 0;
        connect(&state, &ExplorationState::changed, this, [&] { ++changes; });
        applySession(state, s);
        QCOMPARE(changes, 1); // one step, not one per setter
        QCOMPARE(state.spec().approx.haCell, std::string("or-ha"));
        QVERIFY(captureSession(state) == s);
        QVERIFY(QTest::qWaitFor([&] { return state.report() != nullptr; }, kTimeoutMs));
        QCOMPARE(state.report()->spec.approx.haCell, std::string("or-ha"));
    }

    void badSessionsNameTheProblem_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QByteArray head = R"({"format":"axbnn-session","version":1,)";
        QTest::newRow("not json") << QByteArray("{oops") << "line 1 column 2: not valid JSON (syntax error";
        QTest::newRow("number overflow") << QByteArray("{\"format\": \"axbnn-session\",\n \"version\": 1e400}")
                                         << "line 2 column 13: the number 1e400 is out of range";
        QTest::newRow("wrong format") << QByteArray(R"({"format":"x","version":1})") << "not a workbench session";
        QTest::newRow("future version") << QByteArray(R"({"format":"axbnn-session","version":9})")
                                        << "unsupported session version";
        QTest::newRow("no circuit") << head + R"("model":null})"
                                    << "circuit";
        QTest::newRow("bad inputs") << head
                + R"("circuit":{"inputs":0,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":0,"p":0.5}})"
                                    << "circuit.inputs";
        QTest::newRow("bad topology") << head
                + R"("circuit":{"inputs":9,"topology":"ring","faCell":"maj","lsbColumns":0,"levels":0,"p":0.5}})"
                                      << "circuit.topology";
        QTest::newRow("p out of range") << head
                + R"("circuit":{"inputs":9,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":0,"p":2}})"
                                        << "circuit.p";
        QTest::newRow("bad cells") << head
                + R"("circuit":{"inputs":9,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":0,"p":0.5,"extraCells":[-1]}})"
                                   << "circuit.extraCells";
        // Limits of docs/cli.md's one table; huge numbers are refused, not converted.
        QTest::newRow("inputs 10^9") << head
                + R"("circuit":{"inputs":1e9,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":0,"p":0.5}})"
                                     << "'circuit.inputs' must be an integer in 1..65536";
        QTest::newRow("inputs 1e300") << head
                + R"("circuit":{"inputs":1e300,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":0,"p":0.5}})"
                                      << "'circuit.inputs' must be an integer in 1..65536";
        QTest::newRow("lsb 65") << head
                + R"("circuit":{"inputs":9,"topology":"dadda","faCell":"maj","lsbColumns":65,"levels":0,"p":0.5}})"
                                << "'circuit.lsbColumns' must be an integer in 0..64";
        QTest::newRow("fractional levels")
            << head + R"("circuit":{"inputs":9,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":1.5,"p":0.5}})"
            << "'circuit.levels' must be an integer in 0..1048576";
        QTest::newRow("unknown mitigation")
            << head
                + R"("circuit":{"inputs":9,"topology":"dadda","faCell":"maj","lsbColumns":0,"levels":0,"p":0.5},"mitigation":"magic"})"
            << "'mitigation': unknown mitigation 'magic' (known: none, bias, tune, bias-tune)";
        // Version 2: the key path under "design" and the limit (issue 20).
        const QByteArray head2 = R"({"format":"axbnn-session","version":2,"design":{"unit":{},"p":0.5,)";
        QTest::newRow("v2 inputs 10^9") << head2 + R"("inputs":1000000000}})"
                                        << "'design.inputs' must be an integer in 1..65536";
        QTest::newRow("v2 unit width") << head2 + R"("inputs":9,"layers":{"2":{"unit_width":70000}}}})"
                                       << "'design.layers.2.unit_width' must be an integer in 0..65536";
        QTest::newRow("v2 data limit") << head2 + R"("inputs":9,"data":{"limit":-1}}})"
                                       << "'design.data.limit' must be an integer in 0..100000000";
        QTest::newRow("v2 unknown mitigation")
            << head2 + R"("inputs":9,"mitigation":"magic"}})"
            << "'design.mitigation': unknown mitigation 'magic' (known: none, bias, tune, bias-tune)";
    }

    void badSessionsNameTheProblem()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(text);
        file.close();
        const QString error = message([&] { loadSession(path); });
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(error.contains(path));
    }

    void unwritableSessionThrowsAndLeavesNoFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("missing/dir/s.json"));
        QVERIFY(!message([&] { saveSession(Session{}, path); }).isEmpty());
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_MAIN(TestSession)
#include "test_session.moc"
