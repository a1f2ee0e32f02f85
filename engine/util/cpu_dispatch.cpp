// The one place that asks the CPU what it supports.
#include "util/cpu_dispatch.h"

#include <cstdlib>
#include <string_view>

namespace axbnn {

bool isaSupported(Isa isa)
{
    switch (isa) {
    case Isa::Portable: return true;
    case Isa::Avx2:
#if defined(__x86_64__) || defined(__i386__)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
#else
        return false;
#endif
    }
    return false;
}

Isa detectedIsa()
{
    static const Isa isa = [] {
        const char* forced = std::getenv("AXBNN_ISA");
        if (forced && std::string_view(forced) == "portable")
            return Isa::Portable;
        return isaSupported(Isa::Avx2) ? Isa::Avx2 : Isa::Portable;
    }();
    return isa;
}

std::string isaName(Isa isa)
{
    return isa == Isa::Avx2 ? "avx2" : "portable";
}

} // namespace axbnn
