// Per-cell error contributions agree with the closed form of docs/domain.md
// section 3 and with the exact global error of single-cell approximations;
// toggleCell flips exactly one cell.
#include "analysis/cell_contribution.h"
#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"

#include <QtTest>

#include <cmath>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Topology)

class TestCellContribution : public QObject {
    Q_OBJECT

    const CellLibrary lib_ = CellLibrary::defaults();

private Q_SLOTS:
    // A level-0 adder-tree cell sees three raw Bernoulli(p) inputs: MAJ-FA errs
    // on 000 (+1) and 111 (-1), so P(error) = (1-p)^3 + p^3, E[e] = (1-p)^3 - p^3.
    void majFaOnRawInputsMatchesClosedForm_data()
    {
        QTest::addColumn<double>("p");
        for (double p : {0.2, 0.5, 0.7})
            QTest::addRow("p=%.1f", p) << p;
    }
    void majFaOnRawInputsMatchesClosedForm()
    {
        QFETCH(double, p);
        const Netlist exact = buildPopcount(64, Topology::AdderTree, lib_);
        ApproxConfig config;
        config.levels = 1;
        const Netlist approx = applyApproximation(exact, lib_, config);
        ContributionOptions options;
        options.p = p;
        options.samples = 1 << 16;
        const auto contrib = cellContributions(approx, lib_, config, options);
        QCOMPARE(contrib.size(), approx.cells.size());
        const double rate = std::pow(1 - p, 3) + std::pow(p, 3);
        const double bias = std::pow(1 - p, 3) - std::pow(p, 3);
        const double tol = 5 * 0.5 / std::sqrt(double(options.samples));
        int checked = 0;
        for (size_t i = 0; i < approx.cells.size(); ++i) {
            const CellInstance& c = approx.cells[i];
            if (c.level != 0 || c.column != 0 || approx.typeOf(c).name != "maj-fa")
                continue;
            QVERIFY(contrib[i].approximate);
            QCOMPARE(contrib[i].alternative, std::string("maj-fa"));
            QVERIFY2(std::abs(contrib[i].errorRate - rate) < tol, qPrintable(QString::number(contrib[i].errorRate)));
            QVERIFY(std::abs(contrib[i].meanError - bias) < tol);
            QVERIFY(std::abs(contrib[i].meanAbsError - rate) < tol);
            ++checked;
        }
        QCOMPARE(checked, 21); // 64 inputs: 21 full adders on raw bits
    }

    // With only cell i approximate, the count's error is that cell's error
    // times 2^column, so the exact global statistics must match the local ones.
    void singleCellContributionEqualsGlobalError()
    {
        const Netlist exact = buildPopcount(12, Topology::AdderTree, lib_);
        ErrorOptions exhaustive;
        exhaustive.method = ErrorMethod::Exhaustive;
        exhaustive.p = 0.4;
        ContributionOptions options;
        options.p = 0.4;
        options.samples = 1 << 16;
        const double tol = 5 * 0.5 / std::sqrt(double(options.samples));
        int checked = 0;
        for (int i = 0; i < static_cast<int>(exact.cells.size()); ++i) {
            if (exact.typeOf(exact.cells[i]).name != "fa")
                continue;
            ApproxConfig config;
            config.extraCells = {i};
            const Netlist approx = applyApproximation(exact, lib_, config);
            const ErrorStats global = analyzeErrors(approx, exhaustive);
            const auto contrib = cellContributions(approx, lib_, config, options);
            const double weight = std::ldexp(1.0, exact.cells[i].column);
            QVERIFY2(
                std::abs(contrib[i].meanError - global.meanError) < tol * weight,
                qPrintable(QStringLiteral("cell %1: %2 vs %3").arg(i).arg(contrib[i].meanError).arg(global.meanError)));
            QVERIFY(std::abs(contrib[i].meanAbsError - global.mae) < tol * weight);
            QVERIFY(std::abs(contrib[i].errorRate - global.errorRate) < tol);
            ++checked;
        }
        QVERIFY(checked >= 5);
    }

    // Exact cells report what the replacement would add; kinds without one are not replaceable.
    void exactCellsReportTheirReplacement()
    {
        const Netlist exact = buildPopcount(64, Topology::AdderTree, lib_);
        ApproxConfig config; // nothing approximate
        auto contrib = cellContributions(exact, lib_, config);
        bool sawFa = false, sawHa = false;
        for (size_t i = 0; i < exact.cells.size(); ++i) {
            const std::string& kind = exact.typeOf(exact.cells[i]).name;
            QVERIFY(!contrib[i].approximate);
            QCOMPARE(contrib[i].replaceable, kind == "fa");
            if (kind == "fa") {
                sawFa = true;
                QCOMPARE(contrib[i].alternative, std::string("maj-fa"));
                QVERIFY(contrib[i].meanAbsError > 0.0);
            }
            sawHa = sawHa || kind == "ha";
        }
        QVERIFY(sawFa && sawHa);
        config.haCell = "or-ha";
        contrib = cellContributions(exact, lib_, config);
        for (size_t i = 0; i < exact.cells.size(); ++i)
            if (exact.typeOf(exact.cells[i]).name == "ha")
                QCOMPARE(contrib[i].alternative, std::string("or-ha"));
    }

    void badOptionsAreRejected()
    {
        const Netlist exact = buildPopcount(9, Topology::AdderTree, lib_);
        ContributionOptions options;
        options.p = 1.5;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, cellContributions(exact, lib_, {}, options));
        ApproxConfig config;
        config.faCell = "no-such-cell";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, cellContributions(exact, lib_, config));
    }

    void toggleCellFlipsExactlyOneCell_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("lsb");
        for (Topology t : {Topology::AdderTree, Topology::Dadda})
            for (int lsb : {0, 2})
                QTest::addRow("%s-lsb%d", topologyName(t).c_str(), lsb) << t << lsb;
    }
    void toggleCellFlipsExactlyOneCell()
    {
        QFETCH(Topology, topology);
        QFETCH(int, lsb);
        const Netlist exact = buildPopcount(40, topology, lib_);
        ApproxConfig config;
        config.lsbColumns = lsb;
        for (int i = 0; i < static_cast<int>(exact.cells.size()); ++i) {
            const ApproxConfig toggled = toggleCell(exact, i, config);
            for (int j = 0; j < static_cast<int>(exact.cells.size()); ++j)
                QCOMPARE(isCellSelected(exact, j, toggled), isCellSelected(exact, j, config) != (i == j));
            // Toggling back restores the selection and leaves no stale ids.
            const ApproxConfig back = toggleCell(exact, i, toggled);
            QVERIFY(back.extraCells.empty() && back.exactCells.empty());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, toggleCell(exact, -1, config));
    }
};

QTEST_GUILESS_MAIN(TestCellContribution)
#include "test_cell_contribution.moc"
