// Building a layer's popcount unit: chunking, one circuit per distinct chunk
// width, and the unit's guaranteed error range.
#include "bnn/popcount_unit.h"

#include "analysis/error_analysis.h"
#include "analysis/hierarchical_errors.h"
#include "circuit/popcount_builder.h"

#include <map>
#include <stdexcept>
#include <string>

namespace axbnn {

namespace {

// The error range of a circuit when it is a bound over all input vectors:
// exhaustive enumeration and propagation's interval pass are; Monte Carlo is not.
bool errorRange(const Netlist& net, const HierarchicalPopcount* h, int& minError, int& maxError)
{
    // Built circuits without approximate cells are exact; an imported one
    // consists of gates, so only analysis can tell.
    if (net.topology != Topology::Imported && net.approximateCellCount() == 0) {
        minError = maxError = 0;
        return true;
    }
    ErrorOptions options;
    options.p = 0.5; // every input vector has nonzero probability
    ErrorStats stats;
    try {
        if (h && net.inputs > options.exhaustiveMaxInputs)
            stats = analyzeHierarchical(*h, options);
        else if (net.inputs <= options.exhaustiveMaxInputs)
            stats = analyzeExhaustive(net, options);
        else
            stats = analyzePropagation(net, options);
    } catch (const std::invalid_argument&) {
        return false; // compressor trees, or propagation beyond its budget
    }
    if (!stats.wceExact)
        return false;
    minError = stats.minError;
    maxError = stats.maxError;
    return true;
}

} // namespace

PopcountUnit::PopcountUnit(int fanIn, const PopcountUnitConfig& config) : fanIn_(fanIn)
{
    if (fanIn < 1)
        throw std::invalid_argument("popcount unit: fan-in must be at least 1");
    valueBits_ = bitsFor(static_cast<uint64_t>(fanIn));
    if (!config.circuit)
        return;
    if (config.unitWidth < 0)
        throw std::invalid_argument("popcount unit width must be 0 (whole fan-in) or positive, not "
                                    + std::to_string(config.unitWidth));
    int width = config.unitWidth == 0 || config.unitWidth > fanIn ? fanIn : config.unitWidth;
    if (config.leaf.isSet()) {
        if (config.netlist || config.unitWidth != 0)
            throw std::invalid_argument("a hierarchical popcount (leaf) covers the whole fan-in: it takes no "
                                        "imported netlist and no unit width");
        width = fanIn;
    }
    if (config.netlist) {
        const int n = config.netlist->inputs;
        const std::string what = "imported popcount netlist "
            + (config.netlistPath.empty() ? std::string() : "'" + config.netlistPath + "' ") + "has "
            + std::to_string(n) + " inputs";
        if (config.unitWidth != 0 && config.unitWidth != n)
            throw std::invalid_argument(what + " but the unit width is " + std::to_string(config.unitWidth));
        if (fanIn % n != 0)
            throw std::invalid_argument(what + " but the layer's fan-in " + std::to_string(fanIn)
                                        + " is not a multiple of it (set unit_width to its input count and "
                                          "use a fan-in that splits into whole units)");
        width = n;
    }
    const CellLibrary library = config.library ? *config.library : CellLibrary::defaults();

    std::map<int, Chunk> byWidth; // circuits shared between chunks of equal width
    uint64_t maxValue = 0;
    minError_ = maxError_ = 0;
    for (int begin = 0; begin < fanIn; begin += width) {
        const int w = std::min(width, fanIn - begin);
        auto it = byWidth.find(w);
        if (it == byWidth.end()) {
            Chunk c;
            c.width = w;
            std::shared_ptr<const Netlist> net;
            std::optional<HierarchicalPopcount> h;
            if (config.leaf.isSet()) {
                h = makeHierarchicalPopcount(w, config.leaf, config.topology, config.approx, library);
                net = std::make_shared<const Netlist>(h->netlist);
            } else if (config.netlist)
                net = config.netlist;
            else
                net = std::make_shared<Netlist>(
                    applyApproximation(buildPopcount(w, config.topology, library), library, config.approx));
            c.simulator = std::make_shared<Simulator>(*net);
            c.lanes = std::make_shared<LaneSimulator>(*net);
            // The engine runs the fused form where there is one, else the
            // streamed or plain lanes (error-model tables use the plain ones).
            if (auto first = fuseFirstLevel(*net)) {
                c.firstLanes = std::make_shared<LaneSimulator>(LaneSimulator::streamedIfPossible(first->derived));
                c.first = std::make_shared<FirstLevelNetlist>(std::move(*first));
            } else if (auto streamed = LaneSimulator::streamedIfPossible(*net); streamed.streamed()) {
                c.streamed = std::make_shared<LaneSimulator>(std::move(streamed));
            }
            if (!errorRange(*net, h ? &*h : nullptr, c.minError, c.maxError))
                boundsKnown_ = false;
            c.netlist = std::move(net);
            it = byWidth.emplace(w, std::move(c)).first;
        }
        Chunk c = it->second;
        c.begin = begin;
        maxValue += (uint64_t{1} << c.netlist->outputBits()) - 1;
        minError_ += c.minError;
        maxError_ += c.maxError;
        chunks_.push_back(std::move(c));
    }
    valueBits_ = bitsFor(maxValue);
    if (valueBits_ > 31)
        throw std::invalid_argument("popcount unit: summed circuit values exceed 31 bits");
}

int32_t PopcountUnit::evaluate(std::span<const uint8_t> xnorBits) const
{
    if (xnorBits.size() != static_cast<size_t>(fanIn_))
        throw std::invalid_argument("popcount unit: expected one XNOR bit per fan-in element");
    int32_t value = 0;
    if (isExact()) {
        for (uint8_t b : xnorBits)
            value += b ? 1 : 0;
        return value;
    }
    for (const Chunk& c : chunks_) {
        const auto part = xnorBits.subspan(static_cast<size_t>(c.begin), static_cast<size_t>(c.width));
        value += static_cast<int32_t>(c.simulator->evaluate(std::vector<uint8_t>(part.begin(), part.end())));
    }
    return value;
}

} // namespace axbnn
