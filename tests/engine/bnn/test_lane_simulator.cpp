// The cell kernels and the lane simulator (cache-friendly order, reused
// slots) give exactly what the gate-by-gate Simulator and evalTable give.
#include "circuit/approximation.h"
#include "circuit/cell_eval.h"
#include "circuit/first_level.h"
#include "circuit/lane_simulator.h"
#include "circuit/popcount_builder.h"
#include "circuit/simulator.h"
#include "util/random_bits.h"

#include <QtTest>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Topology)
Q_DECLARE_METATYPE(axbnn::Isa)

namespace {

std::vector<Isa> isas()
{
    std::vector<Isa> r{Isa::Portable};
    if (isaSupported(Isa::Avx2))
        r.push_back(Isa::Avx2);
    return r;
}

} // namespace

class TestLaneSimulator : public QObject {
    Q_OBJECT

    const CellLibrary lib_ = CellLibrary::defaults();

private Q_SLOTS:
    void cellKernelsMatchEvalTable_data()
    {
        QTest::addColumn<Isa>("isa");
        QTest::addColumn<int>("words");
        for (Isa isa : isas())
            for (int words : {4, 8})
                QTest::addRow("%s-%d", isaName(isa).c_str(), words) << isa << words;
    }

    void cellKernelsMatchEvalTable()
    {
        QFETCH(Isa, isa);
        QFETCH(int, words);
        Rng rng(7);
        // Every kind of op: the named codes and random tables, 2 and 3 inputs.
        const uint8_t sumTables[] = {0x96, 0x17, 0x6, 0x96, 0x6, 0x00, 0xE8, 0x5A, 0x3C};
        const uint8_t carryTables[] = {0xE8, 0xE8, 0x8, 0, 0, 0xE8, 0x00, 0x81, 0x7};
        constexpr int kSlots = 64;
        std::vector<detail::CellOp> ops;
        std::vector<int> arity;
        for (int i = 0; i < 400; ++i) {
            const int k = static_cast<int>(rng.next() % 12);
            const bool named = k < 9;
            const int ar = named ? (k == 2 || k == 4 ? 2 : 3) : 2 + static_cast<int>(rng.next() % 2);
            const uint8_t st = named ? sumTables[k] : static_cast<uint8_t>(rng.next());
            const uint8_t ct = named ? carryTables[k] : static_cast<uint8_t>(rng.next());
            const bool carry = named ? (k != 3 && k != 4) : rng.next() % 2;
            detail::CellOp op = detail::makeCellOp(st, ct, carry, ar);
            // Inputs from slots 0..31, outputs to 32..63: no op reads what an earlier one wrote.
            op.a = static_cast<uint32_t>(rng.next() % 32) * words;
            op.b = static_cast<uint32_t>(rng.next() % 32) * words;
            op.c = ar == 2 ? 0 : static_cast<uint32_t>(rng.next() % 32) * words; // slot 0 = const 0
            op.sum = static_cast<uint32_t>(32 + 2 * (i % 16)) * words;
            op.carry = carry ? op.sum + words : op.sum;
            ops.push_back(op);
            arity.push_back(ar);
            std::vector<uint64_t> buffer(kSlots * words);
            for (auto& w : buffer)
                w = rng.next();
            std::fill_n(buffer.begin(), words, 0);
            std::vector<uint64_t> expect = buffer;
            for (int w = 0; w < words; ++w) {
                const uint64_t a = buffer[op.a + w], b = buffer[op.b + w], c = buffer[op.c + w];
                expect[op.sum + w] = evalTable(st, ar, a, b, c);
                if (carry)
                    expect[op.carry + w] = evalTable(ct, ar, a, b, c);
            }
            detail::evalCellsFunction(words, isa)(&op, 1, buffer.data());
            QCOMPARE(buffer, expect);
        }
    }

    void lanesMatchSimulator_data()
    {
        QTest::addColumn<Isa>("isa");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("inputs");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("levels");
        QTest::addColumn<QString>("fa");
        QTest::addColumn<QString>("ha");
        for (Isa isa : isas())
            for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
                for (auto [n, lsb, levels, fa, ha] : {std::tuple{1, 0, 0, "maj-fa", ""},
                                                      {2, 1, 0, "maj-fa", "or-ha"},
                                                      {9, 2, 0, "maj-fa", ""},
                                                      {64, 0, 0, "maj-fa", ""},
                                                      {100, 3, 0, "maj", ""},
                                                      {576, 2, 0, "maj-fa", ""},
                                                      {257, 0, 2, "maj-fa", "or-ha"},
                                                      {300, 4, 1, "maj", "or-ha"}})
                    QTest::addRow("%s-%s-%d-lsb%d-lev%d-%s-%s", isaName(isa).c_str(), topologyName(t).c_str(), n, lsb,
                                  levels, fa, ha)
                        << isa << t << n << lsb << levels << QString(fa) << QString(ha);
    }

    void lanesMatchSimulator()
    {
        QFETCH(Isa, isa);
        QFETCH(Topology, topology);
        QFETCH(int, inputs);
        QFETCH(int, lsb);
        QFETCH(int, levels);
        QFETCH(QString, fa);
        QFETCH(QString, ha);
        ApproxConfig config;
        config.lsbColumns = lsb;
        config.levels = levels;
        config.faCell = fa.toStdString();
        config.haCell = ha.toStdString();
        const Netlist net = applyApproximation(buildPopcount(inputs, topology, lib_), lib_, config);
        const Simulator sim(net);
        const LaneSimulator lanes(net, isa);
        QCOMPARE(lanes.inputs(), inputs);
        QCOMPARE(lanes.outputBits(), net.outputBits());
        QVERIFY(lanes.slotCount() <= static_cast<int>(net.signalCount));

        constexpr int W = LaneSimulator::kWords;
        Rng rng(static_cast<uint64_t>(inputs + 31 * lsb));
        std::vector<uint64_t> buffer;
        lanes.prepare(buffer);
        for (int round = 0; round < 3; ++round) { // reused buffer: inputs refilled, constants kept
            std::vector<uint64_t> in(static_cast<size_t>(inputs) * W);
            for (auto& w : in)
                w = round == 1 ? ~0ull : rng.next(); // round 1: all ones (a worst case for MAJ cells)
            for (int i = 0; i < inputs; ++i)
                std::copy_n(in.begin() + i * W, W, LaneSimulator::inputWords(buffer.data(), i));
            lanes.run(buffer.data());
            std::vector<uint64_t> expect(static_cast<size_t>(net.outputBits()) * W), scratch;
            sim.run(in, W, expect, scratch);
            for (int b = 0; b < net.outputBits(); ++b)
                for (int w = 0; w < W; ++w)
                    QCOMPARE(lanes.outputWords(buffer.data(), b)[w], expect[b * W + w]);
        }
    }

    // Streamed inputs (a ring of blocks filled just before their readers)
    // give the same outputs as the plain layout; the adder tree of the
    // reference configuration must stream, or the inference engine loses
    // its cache-friendly path for wide layers.
    void streamedLanesMatchPlain_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("inputs");
        QTest::addColumn<int>("lsb");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            for (auto [n, lsb] : {std::pair{257, 0}, {300, 2}, {576, 2}, {1000, 3}, {3136, 2}})
                QTest::addRow("%s-%d-lsb%d", topologyName(t).c_str(), n, lsb) << t << n << lsb;
    }

    void streamedLanesMatchPlain()
    {
        QFETCH(Topology, topology);
        QFETCH(int, inputs);
        QFETCH(int, lsb);
        ApproxConfig config;
        config.lsbColumns = lsb;
        config.faCell = "maj-fa";
        const Netlist net = applyApproximation(buildPopcount(inputs, topology, lib_), lib_, config);
        const LaneSimulator plain(net);
        const LaneSimulator streamed = LaneSimulator::streamedIfPossible(net);
        QVERIFY(!plain.streamed());
        if (topology == Topology::AdderTree)
            QVERIFY(streamed.streamed());
        if (!streamed.streamed()) {
            qInfo("%s at N = %d does not read its inputs block by block: plain layout", topologyName(topology).c_str(),
                  inputs);
            return;
        }

        constexpr int W = LaneSimulator::kWords;
        constexpr int B = LaneSimulator::kStreamBlock;
        Rng rng(static_cast<uint64_t>(inputs * 7 + lsb));
        std::vector<uint64_t> a, b;
        plain.prepare(a);
        streamed.prepare(b);
        for (int round = 0; round < 3; ++round) {
            std::vector<uint64_t> in(static_cast<size_t>(inputs) * W);
            for (auto& w : in)
                w = round == 1 ? ~0ull : rng.next();
            std::copy(in.begin(), in.end(), LaneSimulator::inputWords(a.data(), 0));
            plain.run(a.data());
            std::vector<int> blocks;
            streamed.runStreamed(b.data(), [&](int block, uint64_t* words) {
                blocks.push_back(block);
                const int first = block * B, count = std::min(B, inputs - first);
                std::copy_n(in.begin() + static_cast<ptrdiff_t>(first) * W, static_cast<size_t>(count) * W, words);
            });
            // Every block exactly once, in order.
            QCOMPARE(static_cast<int>(blocks.size()), (inputs + B - 1) / B);
            for (size_t k = 0; k < blocks.size(); ++k)
                QCOMPARE(blocks[k], static_cast<int>(k));
            for (int bit = 0; bit < net.outputBits(); ++bit)
                for (int w = 0; w < W; ++w)
                    QCOMPARE(streamed.outputWords(b.data(), bit)[w], plain.outputWords(a.data(), bit)[w]);
        }
    }

    // The first levels fused into the fill (circuit/first_level.h): the
    // derived netlist fed with derivedInputs gives the original's outputs,
    // bit for bit, for every topology and approximation, plain and streamed.
    // In an adder tree whole four- and three-level subtrees go into the fill.
    void firstLevelFusionMatchesPlain_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("inputs");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("levels");
        QTest::addColumn<QString>("haCell");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            for (auto [n, lsb, levels, ha] : {std::tuple{12, 2, 0, ""},
                                              {61, 1, 0, ""},
                                              {300, 2, 0, "or-ha"},
                                              {576, 2, 0, ""},
                                              {577, 0, 2, ""},
                                              {1000, 3, 1, ""},
                                              {3136, 2, 0, ""}})
                QTest::addRow("%s-%d-lsb%d-lev%d%s", topologyName(t).c_str(), n, lsb, levels, ha)
                    << t << n << lsb << levels << QString(ha);
    }

    void firstLevelFusionMatchesPlain()
    {
        QFETCH(Topology, topology);
        QFETCH(int, inputs);
        QFETCH(int, lsb);
        QFETCH(int, levels);
        QFETCH(QString, haCell);
        ApproxConfig config;
        config.lsbColumns = lsb;
        config.levels = levels;
        config.faCell = "maj-fa";
        config.haCell = haCell.toStdString();
        const Netlist net = applyApproximation(buildPopcount(inputs, topology, lib_), lib_, config);
        const std::optional<FirstLevelNetlist> fused = fuseFirstLevel(net);
        if (topology == Topology::Chain) { // its first cell is a half adder, the others read the accumulator
            QVERIFY(!fused);
            return;
        }
        QVERIFY(fused.has_value()); // trees start with full adders over three inputs
        int tree3 = 0, tree4 = 0, cellsFused = 0;
        for (const FirstLevelItem& item : fused->items) {
            using K = FirstLevelItem::Kind;
            tree3 += item.kind == K::Tree3;
            tree4 += item.kind == K::Tree4;
            cellsFused += item.kind == K::Tree4 ? 26 : item.kind == K::Tree3 ? 11 : item.kind == K::Copy ? 0 : 1;
        }
        QCOMPARE(static_cast<int>(fused->derived.cells.size()) + cellsFused, static_cast<int>(net.cells.size()));
        const int inSubtrees = 12 * tree3 + 24 * tree4;
        if (topology != Topology::AdderTree || !haCell.isEmpty()) {
            QCOMPARE(inSubtrees, 0); // no adder nodes, or approximate half adders: single cells only
        } else if (inputs % 24 == 0) {
            QCOMPARE(tree4, inputs / 24);
            QCOMPARE(tree3, 0);
        } else if (inputs % 12 == 0) {
            QCOMPARE(inSubtrees, inputs);
        } else { // spare inputs enter as carry-ins, which a subtree does not have
            QVERIFY(inSubtrees >= 12 * (inputs / 12 - 2) && inSubtrees > 0);
            QVERIFY(inputs < 100 || tree4 > 0);
        }

        constexpr int W = LaneSimulator::kWords;
        const LaneSimulator plain(net);
        const LaneSimulator derived(fused->derived);
        const LaneSimulator streamed = LaneSimulator::streamedIfPossible(fused->derived);
        if (topology == Topology::AdderTree && inputs > 1000)
            QVERIFY(streamed.streamed()); // wide layers keep their cache-friendly path
        Rng rng(static_cast<uint64_t>(inputs * 13 + lsb));
        std::vector<uint64_t> a, b, c;
        plain.prepare(a);
        derived.prepare(b);
        streamed.prepare(c);
        for (int round = 0; round < 3; ++round) {
            std::vector<uint64_t> in(static_cast<size_t>(inputs) * W);
            for (auto& w : in)
                w = round == 1 ? ~0ull : round == 2 ? 0 : rng.next();
            std::copy(in.begin(), in.end(), LaneSimulator::inputWords(a.data(), 0));
            plain.run(a.data());
            const std::vector<uint64_t> d = derivedInputs(*fused, in, W);
            std::copy(d.begin(), d.end(), LaneSimulator::inputWords(b.data(), 0));
            derived.run(b.data());
            if (streamed.streamed())
                streamed.runStreamed(c.data(), [&](int block, uint64_t* words) {
                    const int first = block * LaneSimulator::kStreamBlock;
                    const int count = std::min(LaneSimulator::kStreamBlock, fused->derived.inputs - first);
                    std::copy_n(d.begin() + static_cast<ptrdiff_t>(first) * W, static_cast<size_t>(count) * W, words);
                });
            for (int bit = 0; bit < net.outputBits(); ++bit)
                for (int w = 0; w < W; ++w) {
                    QCOMPARE(derived.outputWords(b.data(), bit)[w], plain.outputWords(a.data(), bit)[w]);
                    if (streamed.streamed())
                        QCOMPARE(streamed.outputWords(c.data(), bit)[w], plain.outputWords(a.data(), bit)[w]);
                }
        }
    }

    // The Simulator's fixed-width kernel, for word counts that are not a
    // multiple of its chunk, against a naive cell-by-cell evaluation.
    void simulatorMatchesNaiveEvaluation()
    {
        ApproxConfig config;
        config.lsbColumns = 2;
        config.haCell = "or-ha";
        const Netlist net = applyApproximation(buildPopcount(23, Topology::AdderTree, lib_), lib_, config);
        const Simulator sim(net);
        Rng rng(3);
        for (int words : {1, 3, 8, 9, 17}) {
            std::vector<uint64_t> in(static_cast<size_t>(23) * words), out(sim.outputBits() * words), scratch;
            for (auto& w : in)
                w = rng.next();
            sim.run(in, words, out, scratch);
            for (int w = 0; w < words; ++w) {
                std::vector<uint64_t> sig(net.signalCount, 0);
                sig[kConst1] = ~0ull;
                for (int i = 0; i < 23; ++i)
                    sig[kFirstInput + i] = in[i * words + w];
                for (const CellInstance& c : net.cells) {
                    const CellType& t = net.typeOf(c);
                    const uint64_t a = sig[c.in[0]], b = sig[c.in[1]], x = t.inputs == 3 ? sig[c.in[2]] : 0;
                    sig[c.sum] = evalTable(t.sumTable, t.inputs, a, b, x);
                    if (c.carry != kNoSignal)
                        sig[c.carry] = evalTable(t.carryTable, t.inputs, a, b, x);
                }
                for (int o = 0; o < sim.outputBits(); ++o)
                    QCOMPARE(out[o * words + w], sig[net.outputs[o]]);
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestLaneSimulator)
#include "test_lane_simulator.moc"
