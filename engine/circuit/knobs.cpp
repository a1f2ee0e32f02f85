// The approximation knobs' names and limits.
#include "circuit/knobs.h"
#include "util/shown_text.h"

#include <stdexcept>
#include <string>

namespace axbnn {
namespace {

constexpr KnobInfo kKnobs[] = {
    {Knob::LsbColumns, "lsb", "approx_lsb", "--approx-lsb", "lsbColumns", "LSB columns", kMaxLsbColumns},
    {Knob::Levels, "levels", "approx_levels", "--approx-levels", "levels", "tree levels", kMaxTreeLevels},
};

} // namespace

std::span<const KnobInfo> knobTable()
{
    return kKnobs;
}

const KnobInfo& knobInfo(Knob knob)
{
    for (const KnobInfo& info : kKnobs)
        if (info.knob == knob)
            return info;
    throw std::logic_error("knobInfo: unknown knob");
}

const char* knobName(Knob knob)
{
    return knobInfo(knob).name;
}

Knob parseKnob(std::string_view name)
{
    std::string known;
    for (const KnobInfo& info : kKnobs) {
        if (name == info.name || name == info.key)
            return info.knob;
        known += (known.empty() ? "" : ", ") + std::string(info.name);
    }
    throw std::invalid_argument("unknown approximation knob '" + shownText(name) + "' (known: " + known + ")");
}

int knobValue(const ApproxConfig& approx, Knob knob)
{
    return knob == Knob::LsbColumns ? approx.lsbColumns : approx.levels;
}

void setKnob(ApproxConfig& approx, Knob knob, int value)
{
    (knob == Knob::LsbColumns ? approx.lsbColumns : approx.levels) = value;
}

} // namespace axbnn
