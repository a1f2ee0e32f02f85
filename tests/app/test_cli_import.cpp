// `axbnn import-netlist` and the circuit outputs it shares with `axbnn
// circuit` (--testbench, --yosys): same fields, same numbers for the same
// circuit, clear errors, and tools that are missing reported, not fatal.
#include "bnn/random_model.h"
#include "io/model_file.h"

#include "cli_test_support.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <iterator>
#include <utility>

class TestCliImport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void importedCircuitReportsLikeCircuit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString v = dir.filePath("pc.v");
        const QStringList spec{"-n", "10", "--approx-lsb", "2", "--topology", "wallace"};
        const QJsonObject built = runCliJson(QStringList{"circuit"} + spec + QStringList{"--verilog", v});
        const QJsonObject imported = runCliJson({"import-netlist", v});
        QVERIFY(!built.isEmpty() && !imported.isEmpty());
        // The same fields (plus where it came from) ...
        QStringList keys = built.keys();
        keys.append("source");
        keys.sort();
        QCOMPARE(imported.keys(), keys);
        QCOMPARE(imported["source"].toString(), v);
        QCOMPARE(imported["topology"].toString(), QString("imported"));
        QCOMPARE(imported["inputs"].toInt(), 10);
        QCOMPARE(imported["output_bits"].toInt(), built["output_bits"].toInt());
        // ... and the same error statistics: the same function, exhaustively.
        const QJsonObject a = built["error"].toObject(), b = imported["error"].toObject();
        QCOMPARE(b["method"].toString(), QString("exhaustive"));
        for (const char* k : {"error_rate", "mean_error", "mae", "mse", "wce", "min_error", "max_error"})
            QCOMPARE(b[k].toDouble(), a[k].toDouble());
        QCOMPARE(b["pmf"].toObject(), a["pmf"].toObject());
        QVERIFY(a["error_rate"].toDouble() > 0); // lsb 2 really errs

        // The text summary prints the same lines as `circuit`.
        const Run text = runCli({"import-netlist", v, "--p", "0.3"});
        QCOMPARE(text.exitCode, 0);
        for (const char* line :
             {"imported from", "popcount of 10 inputs, imported", "  cells ", "  area ", "  transistors ", "  delay ",
              "  energy ", "inputs i.i.d. Bernoulli(0.3)", "  method       exhaustive", "  MAE ", "  WCE "})
            QVERIFY2(text.out.contains(line), line);
        // Monte Carlo when asked.
        const QJsonObject mc = runCliJson({"import-netlist", v, "--method", "monte-carlo", "--samples", "4096"});
        QCOMPARE(mc["error"].toObject()["method"].toString(), QString("monte-carlo"));
    }

    void badNetlistIsOneClearError()
    {
        QTemporaryDir dir;
        const QString v = dir.filePath("bad.v");
        QFile f(v);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("module m(input [1:0] x, output [1:0] y);\n  assign y = x;\n  always @(*) begin end\nendmodule\n");
        f.close();
        const Run r = runCli({"import-netlist", v});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("axbnn: error: " + v + ": line 3: unsupported construct 'always'"),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        const Run missing = runCli({"import-netlist", dir.filePath("none.v")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY(missing.err.contains("none.v"));
    }

    // Issue 20: hostile netlists end in one message naming the file, the
    // place and the limit, at once and with nothing on stdout.
    void hostileNetlistsAreOneClearError()
    {
        QTemporaryDir dir;
        QString hierarchy = "module l0(input [1:0] x, output [1:0] y);\n  assign y = x;\nendmodule\n";
        for (int i = 1; i <= 44; ++i)
            hierarchy += QString("module l%1(input [1:0] x, output [1:0] y);\n  wire [1:0] t;\n"
                                 "  l%2 a(.x(x), .y(t));\n  l%2 b(.x(t), .y(y));\nendmodule\n")
                             .arg(i)
                             .arg(i - 1);
        const QString json = "{\"modules\": {\"m\": {\"ports\": {\"x\": {\"direction\": \"input\", \"bits\": [2, 3]}, "
                             "\"y\": {\"direction\": \"output\", \"bits\": [4, 3]}}, \"cells\": {\"g\": "
                             "{\"type\": \"$_AND_\", \"connections\": {\"A\": [2], \"Y\": [4]}}}}}}";
        const std::pair<const char*, QString> files[] = {
            {"h40.v", hierarchy},
            {"rec.v", "module a(input [1:0] x, output [1:0] y);\n  a u(.x(x), .y(y));\nendmodule\n"},
            {"wide.v", "module w(input [999999:0] x, output [3:0] y);\n  assign y = x[3:0];\nendmodule\n"},
            {"n262144.v", "module w(input [262143:0] x, output [3:0] y);\n  assign y = x[3:0];\nendmodule\n"},
            {"and.json", json}};
        const char* messages[] = {
            ": line 219: flattening module 'l44' makes 35184372088830 module and gate instances, more than the "
            "4194304 an imported netlist may have\n",
            ": line 2: module 'a' instantiates itself: a -> a\n",
            ": line 1: range [999999:0] is 1000000 bits wide, more than the 262144 a netlist vector may have\n",
            ": line 1: input 'x' has 262144 bits, more popcount inputs than the 65536 a circuit may have\n",
            ": cell 'g' ($_AND_): port B is not connected\n"};
        for (size_t i = 0; i < std::size(files); ++i) {
            const QString path = dir.filePath(files[i].first);
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(files[i].second.toUtf8());
            f.close();
            const Run r = runCli({"import-netlist", path}); // a hang fails by runCli's timeout
            QCOMPARE(r.exitCode, 1);
            QCOMPARE(r.err, "axbnn: error: " + path + messages[i]);
            QVERIFY(r.out.isEmpty());
        }
    }

    // A 3-input counter with a 9-bit output: auto falls back to Monte Carlo
    // and says why; exhaustive names its limit and the method that works.
    void nineBitCounterFallsBackToMonteCarlo()
    {
        QTemporaryDir dir;
        const QString v = dir.filePath("c9.v");
        QFile f(v);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("module c9(input [2:0] x, output [8:0] y);\n"
                "  assign y = {7'b0, (x[0] & x[1]) | (x[2] & (x[0] | x[1])), x[0] ^ x[1] ^ x[2]};\nendmodule\n");
        f.close();
        const QString note = "(exhaustive enumeration not used: the circuit has 9 output bits, it handles at most 8; "
                             "propagation not used: the circuit has no adder nodes)";
        for (const char* method : {"auto", "monte-carlo"}) {
            const QJsonObject j = runCliJson({"import-netlist", v, "--method", method, "--samples", "4096"});
            const QJsonObject e = j["error"].toObject();
            QCOMPARE(e["method"].toString(), QString("monte-carlo"));
            QCOMPARE(e["error_rate"].toDouble(), 0.0);
            QCOMPARE(e["precision"].toString().contains(note), std::string(method) == "auto");
        }
        const Run text = runCli({"import-netlist", v});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("  method       monte-carlo: ") && text.out.contains(note), qPrintable(text.out));
        const Run r = runCli({"import-netlist", v, "--method", "exhaustive"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err,
                 QString("axbnn: error: exhaustive enumeration handles at most 8 output bits; this circuit has 9 "
                         "(use Monte Carlo: --method monte-carlo)\n"));
        QVERIFY(r.out.isEmpty());
    }

    void testbenchFromBothCommandsRunsUnderIcarus()
    {
        const QString iverilog = QStandardPaths::findExecutable("iverilog");
        const QString vvp = QStandardPaths::findExecutable("vvp");
        if (iverilog.isEmpty() || vvp.isEmpty())
            QSKIP("Icarus Verilog is not installed");
        QTemporaryDir dir;
        const QString v = dir.filePath("pc.v"), tb1 = dir.filePath("tb1.v"), tb2 = dir.filePath("tb2.v");
        QCOMPARE(
            runCli({"circuit", "-n", "12", "--approx-lsb", "1", "--verilog", v, "--testbench", tb1, "--vectors", "300"})
                .exitCode,
            0);
        QCOMPARE(runCli({"import-netlist", v, "--testbench", tb2, "--vectors", "300"}).exitCode, 0);
        for (const QString& tb : {tb1, tb2}) {
            QProcess build;
            build.setWorkingDirectory(dir.path());
            build.start(iverilog, {"-o", tb + ".sim", tb});
            QVERIFY(build.waitForFinished(60000) && build.exitCode() == 0);
            QProcess sim;
            sim.start(vvp, {tb + ".sim"});
            QVERIFY(sim.waitForFinished(60000));
            QCOMPARE(sim.exitCode(), 0);
            QVERIFY(QString::fromUtf8(sim.readAllStandardOutput()).contains("PASS: 300 vectors"));
        }
    }

    void evalUsesAnImportedNetlistFromTheLayerConfig()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("small.h5");
        // Fan-ins 72, 392 and 64: whole multiples of an 8-input unit.
        axbnn::saveModel(axbnn::randomModel({28, 28, 1},
                                            {{axbnn::LayerKind::InputConv, 8, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Conv, 8, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Dense, 64},
                                             {axbnn::LayerKind::Scores, 10}},
                                            11),
                         model.toStdString());
        QCOMPARE(runCli({"circuit", "-n", "8", "--verilog", dir.filePath("pc8.v")}).exitCode, 0);
        QFile cfg(dir.filePath("layers.json"));
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write(R"({"default": {"netlist": "pc8.v"}, "include_scores": true})");
        cfg.close();
        const QJsonObject exact = runCliJson({"eval", "--model", model, "--limit", "200"});
        const QJsonObject imported =
            runCliJson({"eval", "--model", model, "--limit", "200", "--config", dir.filePath("layers.json")});
        QCOMPARE(imported["correct"].toInt(), exact["correct"].toInt());
        const QJsonObject dense = imported["layers"].toArray()[4].toObject();
        QCOMPARE(dense["popcount"].toString(), QString("circuit"));
        QCOMPARE(dense["netlist"].toString(), dir.filePath("pc8.v"));
    }

    // A hierarchical popcount of an imported leaf (docs/cell-library.md
    // "Hierarchical popcounts"): exact statistics by convolution, Monte Carlo
    // within its confidence, the options in eval and error-model, clear errors.
    void hierarchicalPopcountOfAnImportedLeaf()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString leaf = dir.filePath("leaf16.v");
        QCOMPARE(runCli({"circuit", "-n", "16", "--approx-lsb", "1", "--verilog", leaf}).exitCode, 0);
        const QJsonObject exact = runCliJson({"circuit", "-n", "100", "--leaf", leaf});
        QCOMPARE(exact["inputs"].toInt(), 100);
        const QJsonObject hierarchy = exact["hierarchy"].toObject();
        QCOMPARE(hierarchy["leaves"].toInt(), 7);
        QCOMPARE(hierarchy["leaf_inputs"].toInt(), 16);
        QCOMPARE(hierarchy["leaf"].toString(), leaf);
        QCOMPARE(hierarchy["last_leaf_inputs"].toInt(), 4);
        QCOMPARE(hierarchy["last_leaf"].toString(), QString("padded"));
        QVERIFY(!runCliJson({"circuit", "-n", "100"}).contains("hierarchy")); // flat circuits have none
        const QJsonObject e = exact["error"].toObject();
        QCOMPARE(e["method"].toString(), QString("propagation"));
        QVERIFY2(e["precision"].toString().contains("convolution of 7 leaves"), qPrintable(e["precision"].toString()));
        QVERIFY(e["mae"].toDouble() > 1.0);
        const QJsonObject mc =
            runCliJson({"circuit", "-n", "100", "--leaf", leaf, "--method", "monte-carlo", "--samples", "65536"});
        const QJsonObject m = mc["error"].toObject();
        const QJsonObject ci = m["ci95"].toObject();
        for (const char* key : {"mae", "mean_error", "error_rate"})
            QVERIFY2(std::abs(m[key].toDouble() - e[key].toDouble()) <= 4 * ci[key].toDouble(), key);
        const Run text = runCli({"circuit", "-n", "100", "--leaf", leaf});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.startsWith("hierarchical: 7 leaves of 16 inputs (imported from " + leaf
                                     + "), the last padded with 0 beyond 4 inputs"),
                 qPrintable(text.out));
        // Generated leaves, in error-model's unit description.
        const QString model = dir.filePath("em.json");
        QCOMPARE(runCli({"error-model", "--fan-in", "64", "--leaf-width", "16", "--approx-levels", "2", "--out", model})
                     .exitCode,
                 0);
        QVERIFY(readAll(model).contains("\"leaf_width\":16"));
        // What does not combine, and a leaf that cannot be read: one line each.
        for (const QStringList& args :
             {QStringList{"circuit", "-n", "64", "--leaf", leaf, "--leaf-width", "8"},
              QStringList{"eval", "--model", leaf, "--leaf-width", "16", "--unit-width", "16"},
              QStringList{"circuit", "-n", "64", "--leaf", dir.filePath("pc.v")}}) {
            const Run r = runCli(args);
            QVERIFY(r.exitCode > 0);
            QCOMPARE(r.err.trimmed().split('\n').size(), 1);
            QVERIFY2(r.err.contains("--leaf"), qPrintable(r.err));
        }
        QFile bad(dir.filePath("bad.v"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("module m(input wire a, output wire y); assign y = b; endmodule\n");
        bad.close();
        const Run r = runCli({"circuit", "-n", "64", "--leaf", bad.fileName()});
        QVERIFY(r.exitCode > 0);
        QVERIFY2(r.err.contains("--leaf: ") && r.err.contains("bad.v"), qPrintable(r.err));
    }

    void yosysFlagWithoutYosysIsAMessage()
    {
        const Run r = runCli({"circuit", "-n", "8", "--yosys"}, "/nonexistent-dir");
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("  WCE "));
        QVERIFY2(r.out.contains("yosys: Yosys is not installed"), qPrintable(r.out));
        if (QStandardPaths::findExecutable("yosys").isEmpty())
            return;
        const QJsonObject j = runCliJson({"circuit", "-n", "8", "--approx-lsb", "1", "--yosys"});
        const QJsonObject y = j["yosys"].toObject();
        QVERIFY(y["ran"].toBool());
        QVERIFY(y["transistors"].toInt() > 0);
        QVERIFY(y["cells"].toInt() > 0);
    }
};

QTEST_GUILESS_MAIN(TestCliImport)
#include "test_cli_import.moc"
