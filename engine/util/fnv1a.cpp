// FNV-1a 64 as hex text.
#include "util/fnv1a.h"

#include <cstdio>

namespace axbnn {

std::string Fnv1a64::hex() const
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return buf;
}

std::string fnv1a64Hex(std::string_view text)
{
    Fnv1a64 h;
    h.add(text);
    return h.hex();
}

} // namespace axbnn
