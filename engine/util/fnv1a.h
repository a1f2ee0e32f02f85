// FNV-1a 64: the stable, dependency-free hash behind sweep point ids, spec
// hashes, design hashes and model fingerprints (the same on every machine).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace axbnn {

class Fnv1a64 {
public:
    void add(const void* data, size_t bytes)
    {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < bytes; ++i) {
            h_ ^= p[i];
            h_ *= 0x100000001b3ULL;
        }
    }
    void add(std::string_view text) { add(text.data(), text.size()); }
    uint64_t value() const { return h_; }
    std::string hex() const; // 16 lower-case hex digits

private:
    uint64_t h_ = 0xcbf29ce484222325ULL;
};

// FNV-1a 64 of `text` as 16 lower-case hex digits.
std::string fnv1a64Hex(std::string_view text);

} // namespace axbnn
