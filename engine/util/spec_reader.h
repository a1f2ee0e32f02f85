// Checked reading of JSON specification files (sweep specs, search spaces):
// every problem is one std::invalid_argument "origin: where: problem" that
// names the file, the key and the limit.
#pragma once

#include "util/shown_text.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace axbnn {

struct SpecError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

class SpecReader {
public:
    explicit SpecReader(std::string origin) : origin_(std::move(origin)) {}
    const std::string& origin() const { return origin_; }
    [[noreturn]] void fail(const std::string& where, const std::string& problem) const
    {
        throw SpecError(origin_ + ": " + where + ": " + problem);
    }
    // A non-empty array under `key`, or nullptr when absent.
    const nlohmann::json* list(const nlohmann::json& object, const char* key, const std::string& prefix = {}) const
    {
        if (!object.contains(key))
            return nullptr;
        const nlohmann::json& v = object[key];
        if (!v.is_array())
            fail(prefix + key, "expected a list [...]");
        if (v.empty())
            fail(prefix + key, "the list is empty (leave the key out to use the default)");
        return &v;
    }
    void onlyKeys(const nlohmann::json& object, const std::string& where, std::initializer_list<const char*> keys) const
    {
        if (!object.is_object())
            fail(where, "expected an object {...}");
        for (const auto& [k, v] : object.items()) {
            bool known = false;
            std::string names;
            for (const char* n : keys) {
                known = known || k == n;
                names += (names.empty() ? "" : ", ") + std::string(n);
            }
            if (!known)
                fail(where, "unknown key '" + k + "' (known: " + names + ")");
        }
    }
    long long integer(const nlohmann::json& v, const std::string& where, long long lo, long long hi) const
    {
        if (!v.is_number_integer())
            fail(where, "expected an integer, got " + shownText(v.dump()));
        if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(hi)) // 2^63 and up: not as a negative long long
            fail(where,
                 std::to_string(v.get<uint64_t>()) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        const long long x = v.get<long long>();
        if (x < lo || x > hi)
            fail(where, std::to_string(x) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return x;
    }
    std::string string(const nlohmann::json& v, const std::string& where) const
    {
        if (!v.is_string())
            fail(where, "expected a string, got " + shownText(v.dump()));
        return v.get<std::string>();
    }

private:
    std::string origin_;
};

} // namespace axbnn
