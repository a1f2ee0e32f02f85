// The error-model file (docs/error-model.md): an ErrorModel as JSON, read
// back with every field checked.
#pragma once

#include "bnn/error_model.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace axbnn {

nlohmann::json errorModelJson(const ErrorModel& model);
// Throws std::invalid_argument naming `origin` and the offending field.
ErrorModel errorModelFromJson(const nlohmann::json& json, const std::string& origin);
void saveErrorModel(const ErrorModel& model, const std::filesystem::path& path); // atomic
ErrorModel loadErrorModel(const std::filesystem::path& path);

} // namespace axbnn
