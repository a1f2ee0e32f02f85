// Parse errors of the JSON library in our words, with the place: every JSON
// loader reports "FILE: line L column C: ..." instead of the library's
// "[json.exception.out_of_range.406] number overflow parsing '1e400'".
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace axbnn {

// "line L column C: not valid JSON (syntax error ...)" or "line L column C:
// the number 1e400 is out of range (beyond +-1.8e308)" for an exception that
// nlohmann::json::parse threw on `text`. At most about 200 characters.
std::string jsonErrorText(std::string_view text, const nlohmann::json::exception& error);

// The library's own description of `error`, without its "[json.exception...]"
// prefix and place, cut at 120 characters: "type must be string, but is object".
std::string jsonLibraryProblem(const nlohmann::json::exception& error);

// json::parse(text) that throws std::runtime_error("origin: " + jsonErrorText(...)),
// after checkJsonDepth (util/json_depth.h).
nlohmann::json parseJsonText(std::string_view text, const std::string& origin);

} // namespace axbnn
