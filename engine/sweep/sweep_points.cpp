// The points of a sweep spec, in the order docs/sweep-format.md gives, each
// with its key and the id hashed from it.
#include "sweep/sweep_spec.h"

#include "bnn/mitigation.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "util/fnv1a.h"

#include <string>
#include <vector>

namespace axbnn {

std::vector<SweepPoint> enumerateSweep(const SweepSpec& spec)
{
    static const std::vector<Mitigation> noMitigation{Mitigation::None};
    std::vector<SweepPoint> points;
    for (size_t w = 0; w < spec.workloads.size(); ++w) {
        const SweepWorkload& wl = spec.workloads[w];
        for (Topology t : spec.topologies)
            for (const SweepCells& c : spec.cells)
                for (Knob k : spec.knobs)
                    for (int level : spec.levels)
                        for (const Mitigation m : wl.hasModel() ? spec.mitigations : noMitigation)
                            for (double p : spec.p) {
                                SweepPoint pt;
                                pt.index = static_cast<int>(points.size());
                                pt.workload = static_cast<int>(w);
                                pt.topology = t;
                                pt.cells = c;
                                pt.knob = k;
                                pt.level = level;
                                pt.mitigation = m;
                                pt.p = p;
                                pt.key = "n=" + std::to_string(wl.inputs) + "|k=" + std::to_string(wl.kernel)
                                    + "|channels=" + std::to_string(wl.channels) + "|model=" + wl.model
                                    + "|layer=" + wl.layer + "|topology=" + topologyName(t) + "|fa=" + c.fa
                                    + "|ha=" + c.ha + "|knob=" + knobName(k) + "|level=" + std::to_string(level)
                                    + "|mitigation=" + mitigationName(m) + "|p=" + formatDouble(p);
                                pt.id = fnv1a64Hex(pt.key);
                                points.push_back(std::move(pt));
                            }
    }
    return points;
}

} // namespace axbnn
