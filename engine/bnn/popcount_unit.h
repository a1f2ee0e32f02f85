// How one layer counts its XNOR outputs: exactly, or with a popcount circuit
// (docs/domain.md sections 2 and 3) simulated bit-exactly. A circuit unit may be
// narrower than the fan-in: the fan-in, in (ky, kx, c) order for convolutions
// and input order for dense layers, splits into consecutive chunks of
// `unitWidth` inputs (the last may be shorter and gets its own circuit of
// that width); the chunk results are added exactly.
#pragma once

#include "circuit/approximation.h"
#include "circuit/cell_library.h"
#include "circuit/first_level.h"
#include "circuit/hierarchical_popcount.h"
#include "circuit/lane_simulator.h"
#include "circuit/simulator.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace axbnn {

struct PopcountUnitConfig {
    bool circuit = false; // false: exact popcount, no circuit is simulated
    Topology topology = Topology::AdderTree;
    ApproxConfig approx; // all zero: the exact circuit, simulated
    int unitWidth = 0; // inputs per circuit; 0 (or >= fan-in): the whole fan-in
    std::optional<CellLibrary> library; // empty: CellLibrary::defaults()
    // An imported circuit (io/netlist_import.h) used for every chunk instead of
    // a built one; topology and approx are then ignored. The fan-in must be a
    // multiple of its inputs, and unitWidth, if set, equal to them.
    std::shared_ptr<const Netlist> netlist;
    std::string netlistPath; // where it came from, for reports
    // Set: a hierarchical popcount over the whole fan-in (circuit/
    // hierarchical_popcount.h): leaves built in `topology` or imported, the
    // knobs of `approx` over the whole netlist; unitWidth must be 0.
    LeafSpec leaf;

    static PopcountUnitConfig makeImported(std::shared_ptr<const Netlist> netlist, std::string path)
    {
        PopcountUnitConfig c;
        c.circuit = true;
        c.netlist = std::move(netlist);
        c.netlistPath = std::move(path);
        return c;
    }

    static PopcountUnitConfig makeHierarchical(LeafSpec leaf, Topology topology, ApproxConfig approx)
    {
        PopcountUnitConfig c = makeCircuit(topology, std::move(approx));
        c.leaf = std::move(leaf);
        return c;
    }

    static PopcountUnitConfig exact() { return {}; }
    static PopcountUnitConfig makeCircuit(Topology topology, ApproxConfig approx, int unitWidth = 0)
    {
        PopcountUnitConfig c;
        c.circuit = true;
        c.topology = topology;
        c.approx = std::move(approx);
        c.unitWidth = unitWidth;
        return c;
    }
};

class PopcountUnit {
public:
    struct Chunk {
        int begin = 0, width = 0; // fan-in elements [begin, begin + width)
        std::shared_ptr<const Netlist> netlist; // approximated circuit of `width` inputs
        std::shared_ptr<const Simulator> simulator; // gate-by-gate reference
        std::shared_ptr<const LaneSimulator> lanes; // the same circuit, 512 lanes at a time
        // The same, inputs streamed; null where not possible or where `first` exists.
        std::shared_ptr<const LaneSimulator> streamed;
        // The first levels fused into the fill (circuit/first_level.h) and the
        // derived netlist's lanes (streamed where possible); null when no cell
        // qualifies.
        std::shared_ptr<const FirstLevelNetlist> first;
        std::shared_ptr<const LaneSimulator> firstLanes;
        int minError = 0, maxError = 0; // valid when the unit's boundsKnown()
    };

    PopcountUnit() = default; // exact, fan-in 0
    // Builds and approximates the chunk circuits; the error range of each
    // comes from analyzeErrors (exhaustive or propagation; a Monte Carlo
    // range is not a bound and leaves boundsKnown() false). Throws
    // std::invalid_argument for bad configurations.
    PopcountUnit(int fanIn, const PopcountUnitConfig& config);

    bool isExact() const { return chunks_.empty(); }
    int fanIn() const { return fanIn_; }
    const std::vector<Chunk>& chunks() const { return chunks_; }
    // Bits of the (summed) circuit value: bitsFor(sum of the chunks' largest outputs).
    int valueBits() const { return valueBits_; }
    // approximate - exact lies in [minError, maxError] for every input vector.
    bool boundsKnown() const { return boundsKnown_; }
    int minError() const { return minError_; }
    int maxError() const { return maxError_; }

    // The unit's value for one neuron's XNOR outputs (0/1 per fan-in element):
    // the count, or the sum over chunks of Simulator::evaluate. Slow; the
    // reference forward pass uses it.
    int32_t evaluate(std::span<const uint8_t> xnorBits) const;

private:
    int fanIn_ = 0;
    int valueBits_ = 0;
    bool boundsKnown_ = true;
    int minError_ = 0, maxError_ = 0;
    std::vector<Chunk> chunks_;
};

} // namespace axbnn
