// The evaluation entry: design -> inference configuration -> accuracy.
#include "explore/evaluate.h"

#include "bnn/error_model.h"

#include "bnn/training_record.h"

#include "io/inference_json.h"
#include "io/netlist_import.h"
#include "util/atomic_file.h"
#include "util/json_depth.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <algorithm>
#include <stdexcept>

namespace axbnn {

InferenceConfig inferenceConfig(const Design& design, const Model& model, const CellLibrary* library,
                                const NetlistMap* netlists)
{
    InferenceConfig config;
    config.popcount.resize(model.layers.size());
    const std::vector<std::optional<UnitDesign>> units = modelUnits(design, model);
    for (size_t i = 0; i < units.size(); ++i) {
        if (!units[i])
            continue;
        const UnitDesign& u = *units[i];
        auto imported = [&](const std::string& path) {
            if (netlists)
                if (auto it = netlists->find(path); it != netlists->end())
                    return it->second;
            return std::make_shared<const Netlist>(importNetlistFile(path, library));
        };
        PopcountUnitConfig unit;
        if (!u.circuit) {
            unit = PopcountUnitConfig::exact();
        } else if (!u.netlist.empty()) {
            unit = PopcountUnitConfig::makeImported(imported(u.netlist), u.netlist);
            unit.unitWidth = u.unitWidth;
        } else if (u.isHierarchical()) {
            LeafSpec leaf;
            leaf.width = u.leafWidth;
            if (!u.leaf.empty()) {
                leaf.imported = imported(u.leaf);
                leaf.importedPath = u.leaf;
            }
            unit = PopcountUnitConfig::makeHierarchical(std::move(leaf), u.topology, u.approx);
        } else {
            unit = PopcountUnitConfig::makeCircuit(u.topology, u.approx, u.unitWidth);
        }
        if (library)
            unit.library = *library;
        config.popcount[i] = std::move(unit);
    }
    return config;
}

UnitDesign unitDesignOf(const PopcountUnitConfig& unit)
{
    UnitDesign u;
    u.circuit = unit.circuit;
    u.topology = unit.topology;
    u.approx = unit.approx;
    u.unitWidth = unit.unitWidth;
    if (unit.netlist)
        u.netlist = unit.netlistPath;
    u.leaf = unit.leaf.importedPath;
    u.leafWidth = unit.leaf.imported ? 0 : unit.leaf.width;
    return u;
}

std::map<int, UnitDesign> layerUnitsOf(const InferenceConfig& config, NetlistMap* netlists)
{
    std::map<int, UnitDesign> layers;
    for (size_t i = 0; i < config.popcount.size(); ++i) {
        const PopcountUnitConfig& unit = config.popcount[i];
        if (!unit.circuit)
            continue;
        layers[static_cast<int>(i)] = unitDesignOf(unit);
        if (unit.netlist && netlists)
            (*netlists)[unit.netlistPath] = unit.netlist;
        if (unit.leaf.imported && netlists)
            (*netlists)[unit.leaf.importedPath] = unit.leaf.imported;
    }
    return layers;
}

AccuracyCount countCorrect(std::span<const int> predictions, const Dataset& data, int first)
{
    AccuracyCount c{static_cast<int>(predictions.size()), 0};
    for (size_t i = 0; i < predictions.size(); ++i)
        c.correct += predictions[i] == data.labels[static_cast<size_t>(first) + i];
    return c;
}

std::shared_ptr<const PreparedDesign> EvaluationCache::prepared(const std::string& key) const
{
    const std::lock_guard lock(mutex_);
    const auto it = prepared_.find(key);
    return it == prepared_.end() ? nullptr : it->second;
}

void EvaluationCache::storePrepared(const std::string& key, std::shared_ptr<const PreparedDesign> prepared)
{
    const std::lock_guard lock(mutex_);
    prepared_[key] = std::move(prepared);
}

std::optional<AccuracyCount> EvaluationCache::count(const std::string& key) const
{
    const std::lock_guard lock(mutex_);
    const auto it = counts_.find(key);
    if (it == counts_.end()) {
        ++misses_;
        return std::nullopt;
    }
    ++hits_;
    return it->second;
}

void EvaluationCache::storeCount(const std::string& key, AccuracyCount count)
{
    const std::lock_guard lock(mutex_);
    counts_[key] = count;
}

int EvaluationCache::hits() const
{
    const std::lock_guard lock(mutex_);
    return hits_;
}

int EvaluationCache::misses() const
{
    const std::lock_guard lock(mutex_);
    return misses_;
}

size_t EvaluationCache::size() const
{
    const std::lock_guard lock(mutex_);
    return counts_.size();
}

namespace {

constexpr const char* kCacheFormat = "axbnn-evaluation-cache";
constexpr std::uintmax_t kMaxCacheBytes = 256u << 20;

} // namespace

void EvaluationCache::load(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return;
    const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
    if (ec || bytes > kMaxCacheBytes)
        throw std::runtime_error(path + ": an evaluation cache is at most " + std::to_string(kMaxCacheBytes >> 20)
                                 + " MB");
    std::ifstream in(path, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    checkJsonDepth(text, path);
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("format") || doc["format"] != kCacheFormat
        || !doc.contains("counts") || !doc["counts"].is_array())
        throw std::runtime_error(path + ": not an evaluation cache (expected {\"format\": \"" + kCacheFormat
                                 + "\", \"counts\": [...]})");
    std::map<std::string, AccuracyCount> read;
    for (size_t i = 0; i < doc["counts"].size(); ++i) {
        const nlohmann::json& c = doc["counts"][i];
        const auto bad = [&] {
            return std::runtime_error(path + ": counts[" + std::to_string(i)
                                      + "] must be {\"key\": string, \"images\": n, \"correct\": 0..n}");
        };
        if (!c.is_object() || !c.contains("key") || !c["key"].is_string() || !c.contains("images")
            || !c["images"].is_number_integer() || !c.contains("correct") || !c["correct"].is_number_integer())
            throw bad();
        const long images = c["images"].get<long>(), correct = c["correct"].get<long>();
        if (images < 0 || images > 100'000'000 || correct < 0 || correct > images)
            throw bad();
        read[c["key"].get<std::string>()] = {static_cast<int>(images), static_cast<int>(correct)};
    }
    const std::lock_guard lock(mutex_);
    for (auto& [key, count] : read)
        counts_.emplace(key, count);
}

void EvaluationCache::save(const std::string& path) const
{
    nlohmann::json counts = nlohmann::json::array();
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [key, c] : counts_)
            counts.push_back({{"key", key}, {"images", c.images}, {"correct", c.correct}});
    }
    writeFileAtomically(path,
                        nlohmann::json{{"format", kCacheFormat}, {"version", 1}, {"counts", counts}}.dump(1) + "\n");
}

void EvaluationCache::clear()
{
    const std::lock_guard lock(mutex_);
    prepared_.clear();
    counts_.clear();
    hits_ = misses_ = 0;
}

namespace {

// What else decides a prepared design: the calibration set and the cells.
std::string preparedKey(const std::string& hash, const Dataset* calibration, const EvaluateOptions& options)
{
    return hash + "|calibration=" + (calibration ? calibration->source + ":" + std::to_string(calibration->count) : "")
        + "|library=" + (options.library ? options.library->source() : "");
}

// A layer-config document of the model's metadata as units, or nullopt when
// it does not fit the model or its netlists cannot be read.
std::optional<InferenceConfig> metadataCircuit(const std::string& text, const Model& model, const CellLibrary* library)
{
    if (text.empty() || text == "{}" || text == "null")
        return std::nullopt;
    try {
        InferenceConfig config =
            parseLayerConfig(text, "approximation_config", model, library ? *library : CellLibrary::defaults());
        if (library)
            for (PopcountUnitConfig& unit : config.popcount)
                unit.library = *library;
        return config;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The popcount units an approximation-aware model was trained for, which
// mitigation targets: for a multi-level model the level whose circuits are
// the ones evaluated (`current`), if it was one of its levels; otherwise the
// metadata's approximation_config (a docs/layer-config.md document; a
// multi-level model's last approximate level). nullopt for an exactly
// trained model or when the document does not fit the model (mitigation then
// reports the circuit as not available).
std::optional<InferenceConfig> trainedCircuit(const Model& model, const CellLibrary* library,
                                              const InferenceConfig& current)
{
    const nlohmann::json now = layerConfigDocument(model, current);
    for (const TrainingLevelRecord& level : trainingRecordOf(model.meta).levels)
        if (!level.circuit.is_null())
            if (auto config = metadataCircuit(level.circuit.dump(), model, library))
                if (layerConfigDocument(model, *config) == now)
                    return config;
    return metadataCircuit(model.meta.approximationConfig, model, library);
}

} // namespace

std::shared_ptr<const PreparedDesign> prepareDesign(const Model& model, const Design& design,
                                                    const Dataset* calibration, const EvaluateOptions& options)
{
    const std::string hash = designHash(design, Aspect::Accuracy, &model);
    const std::string key = preparedKey(hash, calibration, options);
    if (options.cache)
        if (auto hit = options.cache->prepared(key))
            return hit;
    auto prepared = std::make_shared<PreparedDesign>();
    prepared->hash = hash;
    prepared->config = inferenceConfig(design, model, options.library, options.netlists);
    prepared->config.threads = options.threads;
    if (design.mitigation != Mitigation::None) {
        if (!calibration)
            throw std::invalid_argument(std::string(mitigationName(design.mitigation))
                                        + " mitigation needs calibration images");
        std::optional<InferenceConfig> trained = trainedCircuit(model, options.library, prepared->config);
        if (trained)
            trained->threads = options.threads;
        prepared->mitigation = applyMitigation(design.mitigation, model, prepared->config, *calibration,
                                               design.data.calibrationLimit, trained ? &*trained : nullptr);
    }
    if (options.cache)
        options.cache->storePrepared(key, prepared);
    return prepared;
}

int evaluatedImages(const Design& design, const Dataset& test)
{
    return design.data.limit > 0 ? std::min(design.data.limit, test.count) : test.count;
}

Evaluation evaluate(const Model& model, const Design& design, const Dataset& test, const Dataset* calibration,
                    const EvaluateOptions& options)
{
    const int total = options.count >= 0 ? options.count : evaluatedImages(design, test);
    if (options.first < 0 || total < 0 || options.first + total > test.count)
        throw std::invalid_argument("evaluate: images [" + std::to_string(options.first) + ", "
                                    + std::to_string(options.first + total) + ") are outside the "
                                    + std::to_string(test.count) + " test images of " + test.source);
    Evaluation result;
    result.cached = true;
    result.hash = designHash(design, Aspect::Accuracy, &model);
    // Besides the design: the images, and what mitigation fits on and the cells.
    const bool mitigated = design.mitigation != Mitigation::None;
    const std::string data = "|test=" + test.source + ":" + std::to_string(test.count) + "|calibration="
        + (mitigated && calibration ? calibration->source + ":" + std::to_string(calibration->count) : "")
        + "|library=" + (options.library ? options.library->source() : "");
    std::shared_ptr<const PreparedDesign> prepared; // only when a count is missing
    std::unique_ptr<InferenceEngine> engine;
    const int chunk = std::max(1, options.chunk);
    for (int first = options.first; first < options.first + total; first += chunk) {
        const int count = std::min(chunk, options.first + total - first);
        const std::string key = result.hash + data + "|images=" + std::to_string(first) + "+" + std::to_string(count);
        std::optional<AccuracyCount> counted = options.cache ? options.cache->count(key) : std::nullopt;
        if (!counted) {
            result.cached = false;
            if (!engine) {
                prepared = prepareDesign(model, design, calibration, options);
                InferenceConfig config = prepared->config; // the cached one may be shared
                config.threads = options.threads;
                engine = std::make_unique<InferenceEngine>(model, std::move(config));
            }
            const int done = first - options.first;
            const ProgressFn progress = [&](int d, int) {
                return !options.progress || options.progress(done + d, total);
            };
            const AccuracyCount c = countCorrect(engine->predict(test, first, count, progress), test, first);
            if (options.cache)
                options.cache->storeCount(key, c);
            counted = c;
        } else if (options.progress && !options.progress(first - options.first + count, total)) {
            throw InferenceCancelled();
        }
        result.count.images += counted->images;
        result.count.correct += counted->correct;
    }
    if (!prepared && options.cache) // every count cached: the fit, if still in memory
        prepared = options.cache->prepared(preparedKey(result.hash, calibration, options));
    if (prepared)
        result.mitigation = prepared->mitigation;
    return result;
}

} // namespace axbnn
