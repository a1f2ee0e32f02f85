// Approximate 4:2 compressors (circuit/compressors.h): each table entry's 16
// rows against its published function, the Wallace / Dadda circuits built
// with them against what the rows predict, and the refusals.
#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/cell_map_json.h"
#include "circuit/compressors.h"
#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"
#include "circuit/simulator.h"

#include <QtTest>

#include <bit>
#include <functional>
#include <map>
#include <string>

using namespace axbnn;

namespace {

struct Published {
    std::function<int(int, int, int, int)> sum, carry;
    std::map<unsigned, int> errors; // the rows that err (x1 + 2 x2 + 4 x3 + 8 x4), by hand
};

// The functions as the papers state them, written out independently of the
// table's decomposition, with the per-row errors of docs/cell-library.md.
const std::map<std::string, Published>& published()
{
    static const std::map<std::string, Published> p{
        {"c42-hl",
         {[](int x1, int x2, int x3, int x4) { return (x1 ^ x2) | (x3 ^ x4); },
          [](int x1, int x2, int x3, int x4) { return (x1 & x2) | (x3 & x4); },
          {{5, -1}, {6, -1}, {9, -1}, {10, -1}, {15, -2}}}},
        {"c42-yin",
         {[](int, int, int x3, int x4) { return 1 - (x3 ^ x4); },
          [](int x1, int x2, int x3, int x4) { return (x1 | x2) & (x3 | x4); },
          {{0, +1}, {3, -1}, {4, -1}, {7, -1}, {8, -1}, {11, -1}, {12, -1}, {15, -1}}}},
    };
    return p;
}

ApproxConfig compressors(const std::string& name, int columns)
{
    ApproxConfig a;
    a.compressorColumns = columns;
    a.compressor = name;
    return a;
}

Netlist build(int n, Topology t, const std::string& name, int columns)
{
    const CellLibrary lib = CellLibrary::defaults();
    return applyApproximation(buildPopcount(n, t, lib), lib, compressors(name, columns));
}

} // namespace

class TestCompressors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyEntryIsPublished()
    {
        QCOMPARE(compressorTable().size(), published().size());
        for (const Compressor& c : compressorTable())
            QVERIFY2(published().count(c.name), c.name);
        QCOMPARE(std::string(defaultCompressor().name), std::string(compressorTable()[0].name));
    }

    // All 16 rows of each decomposition equal the published function, and
    // the rows that err are the documented ones, by the documented amounts.
    void truthTablesArePublished()
    {
        for (const Compressor& c : compressorTable()) {
            const Published& p = published().at(c.name);
            for (unsigned i = 0; i < 16; ++i) {
                const int x1 = i & 1, x2 = (i >> 1) & 1, x3 = (i >> 2) & 1, x4 = (i >> 3) & 1;
                const int expected = p.sum(x1, x2, x3, x4) + 2 * p.carry(x1, x2, x3, x4);
                QCOMPARE(compressorValue(c, i), expected);
                const auto row = p.errors.find(i);
                QCOMPARE(compressorError(c, i), row == p.errors.end() ? 0 : row->second);
                QCOMPARE(compressorError(c, i), expected - std::popcount(i));
            }
        }
    }

    // Wallace, compressors in column 0 only: N = 4 m (m <= 3) inputs make m
    // first-stage compressors over inputs 4k..4k+3 and everything after them
    // is exact, so every one of the 2^N outputs is the count plus the m
    // compressors' row errors; the exhaustive mean error is m times the rows' mean.
    void wallaceOutputsEqualTablePrediction()
    {
        for (const Compressor& c : compressorTable())
            for (int m : {1, 2, 3}) {
                const int n = 4 * m;
                const Netlist net = build(n, Topology::Wallace, c.name, 1);
                int parts = 0;
                for (const CellInstance& cell : net.cells)
                    parts += net.isApproximate(cell) ? 1 : 0;
                QVERIFY(parts > 0);
                const Simulator sim(net);
                double total = 0;
                for (uint32_t v = 0; v < (1u << n); ++v) {
                    std::vector<uint8_t> bits(n);
                    int predicted = std::popcount(v);
                    for (int i = 0; i < n; ++i)
                        bits[i] = (v >> i) & 1;
                    for (int k = 0; k < m; ++k)
                        predicted += compressorError(c, (v >> (4 * k)) & 0xF);
                    QCOMPARE(static_cast<int>(sim.evaluate(bits)), predicted);
                }
                for (unsigned i = 0; i < 16; ++i)
                    total += compressorError(c, i);
                ErrorOptions o;
                o.method = ErrorMethod::Exhaustive;
                const ErrorStats stats = analyzeExhaustive(net, o);
                QVERIFY(std::abs(stats.meanError - m * total / 16) < 1e-12);
            }
    }

    // Compressor parts sit in the selected columns (a carry part one above),
    // a larger K uses more of them, and K = 0 is the exact tree.
    void columnsBoundThePlacement()
    {
        const CellLibrary lib = CellLibrary::defaults();
        for (Topology t : {Topology::Wallace, Topology::Dadda})
            for (const Compressor& c : compressorTable()) {
                int previous = -1;
                for (int k : {0, 1, 2, 3}) {
                    const Netlist net = build(64, t, c.name, k);
                    int parts = 0;
                    for (const CellInstance& cell : net.cells)
                        if (net.isApproximate(cell)) {
                            ++parts;
                            QVERIFY(cell.column <= k);
                        }
                    if (k == 0)
                        QCOMPARE(net.cells.size(), buildPopcount(64, t, lib).cells.size());
                    QVERIFY2(parts > previous, qPrintable(QString("%1 K=%2").arg(c.name).arg(k)));
                    previous = parts;
                }
            }
    }

    // Area is the sum of the parts' figures, under both built-in libraries.
    void costIsTheParts()
    {
        for (const char* library : {"sky130", "cmos45"}) {
            const CellLibrary lib = CellLibrary::named(library);
            for (const Compressor& c : compressorTable()) {
                const Netlist net =
                    applyApproximation(buildPopcount(64, Topology::Dadda, lib), lib, compressors(c.name, 2));
                double area = 0;
                for (const CellInstance& cell : net.cells)
                    area += net.typeOf(cell).areaUm2;
                CostOptions o;
                const CircuitCost cost = computeCost(net, o);
                QVERIFY2(std::abs(cost.areaUm2 - area) < 1e-6 * area, library);
            }
        }
    }

    void badValuesAreRefused()
    {
        const CellLibrary lib = CellLibrary::defaults();
        for (Topology t : {Topology::AdderTree, Topology::Chain}) {
            try {
                applyApproximation(buildPopcount(16, t, lib), lib, compressors("c42-hl", 1));
                QFAIL("compressors on an adder tree or chain must be refused");
            } catch (const std::invalid_argument& e) {
                QVERIFY(std::string(e.what()).find("--approx-compressors") != std::string::npos);
                QVERIFY(std::string(e.what()).find("wallace and dadda") != std::string::npos);
            }
        }
        try {
            applyApproximation(buildPopcount(16, Topology::Wallace, lib), lib, compressors("c42-none", 1));
            QFAIL("an unknown compressor must be refused");
        } catch (const std::invalid_argument& e) {
            QVERIFY(std::string(e.what()).find("'c42-none' (known: c42-hl, c42-yin)") != std::string::npos);
        }
        ApproxConfig a;
        try {
            readMixedCells(nlohmann::json{{"compressor", "nope"}}, "layers[2]", a);
            QFAIL("an unknown compressor in JSON must be refused");
        } catch (const std::invalid_argument& e) {
            QVERIFY(std::string(e.what()).find("layers[2].compressor") != std::string::npos);
        }
        readMixedCells(nlohmann::json{{"compressor", "c42-yin"}}, "unit", a);
        QCOMPARE(a.compressor, std::string("c42-yin"));
        // Written only with the knob set, so older units keep their JSON.
        nlohmann::json j = nlohmann::json::object();
        addMixedCells(j, ApproxConfig{});
        QVERIFY(j.empty());
        addMixedCells(j, compressors("c42-yin", 2));
        QCOMPARE(j.value("compressor", ""), std::string("c42-yin"));
    }
};

QTEST_GUILESS_MAIN(TestCompressors)
#include "test_compressors.moc"
