// Atomic file writes: the target holds either its old content or the whole
// new content, never a half-written file.
#pragma once

#include <string>
#include <string_view>

namespace axbnn {

// Creates an empty temporary file beside `path` (same directory, so a
// rename over `path` is atomic) and returns its open descriptor and name.
// Throws std::runtime_error naming the path when it cannot.
int createTempBeside(const std::string& path, std::string& tempPath);

// Writes to a temporary file beside `path`, then renames it over `path`.
// Throws std::runtime_error naming the path when it cannot.
void writeFileAtomically(const std::string& path, std::string_view content);

} // namespace axbnn
